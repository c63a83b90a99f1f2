# Loaded by Python at start-up when this folder is on PYTHONPATH
# (tests/legacy/demo.sh puts it there): it lets the original client's demo,
# which hardcodes https://ec2.amazonaws.com, reach awsv2-mock instead,
# without a change to the demo. Nothing here is the demo's.
#
# - Requests to https://ec2.amazonaws.com/ go to $AWSV2_DEMO_EC2_URL (the
#   mock, http://127.0.0.1:PORT/) with "Host: ec2.amazonaws.com", the host
#   the demo signed, so the mock verifies the very signature the demo made.
# - Fail closed: every other host name than the loopback ones is refused
#   at name resolution, so nothing can reach AWS or anything else, whatever
#   the demo or a library tries.
import os
import socket

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in _LOOPBACK:
        raise socket.gaierror(socket.EAI_NONAME,
                              "demo shim: %r is not loopback; nothing leaves this host" % name)
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only

_target = os.environ.get("AWSV2_DEMO_EC2_URL")
if _target:
    import requests.adapters

    _AWS = "https://ec2.amazonaws.com/"
    _real_send = requests.adapters.HTTPAdapter.send

    def _send(self, request, *args, **kwargs):
        if request.url.startswith(_AWS):
            request.url = _target.rstrip("/") + "/" + request.url[len(_AWS):]
            request.headers["Host"] = "ec2.amazonaws.com"
        return _real_send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = _send
