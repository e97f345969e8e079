"""Docker HEALTHCHECK: GET /healthz on this container, with a Host that ALLOWED_HOSTS accepts."""

import os
import sys
import urllib.request


def host() -> str:
    """First concrete entry of ALLOWED_HOSTS ('.example.com' → 'example.com'), else localhost."""
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip().lstrip(".")
        if entry and entry != "*":
            return entry
    return "localhost"


def main() -> int:
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz",
        headers={"Host": host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"healthz failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
