import { Link, NavLink, Outlet, useNavigate } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";

export function Layout() {
  const { token, user, signOut } = useAuth();
  const navigate = useNavigate();
  return (
    <div className="app">
      <nav className="topbar">
        <Link to="/projects" className="brand">
          a6hub
        </Link>
        {token && <NavLink to="/projects">Projects</NavLink>}
        {user?.is_admin && <NavLink to="/admin">Admin</NavLink>}
        <span className="spacer" />
        {token ? (
          <>
            <span className="muted">{user?.username ?? ""}</span>
            <button
              type="button"
              onClick={() => {
                signOut();
                navigate("/login");
              }}
            >
              Sign out
            </button>
          </>
        ) : (
          <>
            <NavLink to="/login">Sign in</NavLink>
            <NavLink to="/register">Sign up</NavLink>
          </>
        )}
      </nav>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
