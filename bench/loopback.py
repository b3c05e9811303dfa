"""``python -m bench.loopback``: what one small message over loopback TCP costs this machine.

The gateway's floor per delivery is the kernel's: on loopback, the sender's ``send()`` also runs
the receiving side's TCP processing. This sends ``--messages`` frames of ``--size`` bytes
round-robin over ``--sockets`` connected pairs (TCP_NODELAY, as the gateway's sockets), reading
them back in batches, and prints the CPU time per message, sender and receiver together.
"""

from __future__ import annotations

import argparse
import socket
import time


def measure(sockets: int, messages: int, size: int) -> float:
    """CPU microseconds per message sent and received."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(sockets)
        port = listener.getsockname()[1]
        pairs: list[tuple[socket.socket, socket.socket]] = []
        try:
            for _ in range(sockets):
                client = socket.create_connection(("127.0.0.1", port))
                server, _ = listener.accept()
                server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                pairs.append((server, client))
            frame = b"x" * size
            started = time.process_time()
            for n in range(messages):
                pairs[n % sockets][0].send(frame)
                if n % sockets == sockets - 1:
                    for _, client in pairs:
                        client.recv(1 << 16)
            return (time.process_time() - started) / messages * 1e6
        finally:
            for server, client in pairs:
                server.close()
                client.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loopback", description=__doc__)
    parser.add_argument("--sockets", type=int, default=100)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--size", type=int, default=230, help="bytes per message (S1's frames: ~230)")
    args = parser.parse_args()
    cost = measure(args.sockets, args.messages, args.size)
    print(
        f"{cost:.1f} µs of CPU per {args.size}-byte message over loopback TCP "
        f"({args.messages:,} messages, {args.sockets} connections): at most "
        f"{1e6 / cost:,.0f} messages/s per core before any application work"
    )


if __name__ == "__main__":
    main()
