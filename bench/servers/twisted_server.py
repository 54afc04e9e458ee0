"""Twisted Web, the original, as a benchmark peer.

Usage: python3 twisted_server.py MODE, with PORT (and the BENCH_* fixtures) in the
environment, as bench/harness.ts starts it. MODE is one of:
  hello   a leaf Resource answering 13 bytes
  static  static.File over BENCH_STATIC_DIR
  gzip    BENCH_PAGE_FILE's bytes behind EncodingResourceWrapper + GzipEncoderFactory
  proxy   ReverseProxyResource to 127.0.0.1:BENCH_BACKEND_PORT
It prints the same ready line as the Node servers and stops on SIGTERM.
"""
import os
import sys

from twisted.internet import reactor
from twisted.web import proxy, resource, server, static
from twisted.web.server import GzipEncoderFactory


class Hello(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        return b"Hello, world!"


class Page(resource.Resource):
    isLeaf = True

    def __init__(self, body):
        super().__init__()
        self.body = body

    def render_GET(self, request):
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self.body


def make_root(mode):
    if mode == "hello":
        return Hello()
    if mode == "static":
        return static.File(os.environ["BENCH_STATIC_DIR"])
    if mode == "gzip":
        with open(os.environ["BENCH_PAGE_FILE"], "rb") as page:
            body = page.read()
        return resource.EncodingResourceWrapper(Page(body), [GzipEncoderFactory()])
    if mode == "proxy":
        return proxy.ReverseProxyResource("127.0.0.1", int(os.environ["BENCH_BACKEND_PORT"]), b"")
    raise SystemExit("unknown mode " + mode)


def main():
    mode = sys.argv[1]
    port = int(os.environ["PORT"])
    reactor.listenTCP(port, server.Site(make_root(mode)), interface="127.0.0.1")
    print("Listening on http://127.0.0.1:%d/" % port, flush=True)
    reactor.run()


main()
