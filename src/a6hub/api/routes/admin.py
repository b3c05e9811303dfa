"""What administrators do over REST: delete a user (the list of open sockets is the gateway's)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from starlette.concurrency import run_in_threadpool

from a6hub.api.accounts import remove_account
from a6hub.api.deps import AdminUser, ContextDep
from a6hub.api.params import UserId
from a6hub.domain.errors import Conflict

router = APIRouter(prefix="/admin", tags=["admin"])


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="delete_user")
async def delete_user(user_id: UserId, admin: AdminUser, context: ContextDep) -> Response:
    """Delete an account with its projects, files and jobs; its tokens and open sockets are cut."""
    if user_id == admin.id:
        raise Conflict("to delete your own account, use DELETE /api/v1/auth/me")
    await run_in_threadpool(remove_account, context, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
