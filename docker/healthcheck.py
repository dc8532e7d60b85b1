"""The image's HEALTHCHECK: GET /healthz on the hub's own port (no curl in the runtime image). Exit 0 when
it answers 200, 1 otherwise."""

import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('HUB_PORT', '8000')}/healthz"
try:
    with urllib.request.urlopen(url, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
