"""Twisted Web, the original, as a benchmark peer.

Usage: python3 twisted_server.py MODE, with PORT (and the BENCH_* fixtures) in the
environment, as bench/harness.ts starts it. MODE is one of:
  hello   a leaf Resource answering 13 bytes
  static  static.File over BENCH_STATIC_DIR
  gzip    BENCH_PAGE_FILE's bytes behind EncodingResourceWrapper + GzipEncoderFactory
  proxy   ReverseProxyResource to 127.0.0.1:BENCH_BACKEND_PORT
  wsgi    WSGIResource running a hello WSGI application on the reactor's thread pool
It prints the same ready line as the Node servers and stops on SIGTERM.
"""
import os
import sys

from twisted.internet import reactor
from twisted.web import proxy, resource, server, static, wsgi
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


def hello_app(environ, start_response):
    """The gateway scenario's hello application, as WSGI: the same 13 bytes as Hello."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "13")])
    return [b"Hello, world!"]


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
    if mode == "wsgi":
        # The reactor's own pool (its default size, 0 to 10 threads), as
        # Twisted's WSGI howto sets it up.
        return wsgi.WSGIResource(reactor, reactor.getThreadPool(), hello_app)
    raise SystemExit("unknown mode " + mode)


def main():
    mode = sys.argv[1]
    port = int(os.environ["PORT"])
    reactor.listenTCP(port, server.Site(make_root(mode)), interface="127.0.0.1")
    print("Listening on http://127.0.0.1:%d/" % port, flush=True)
    reactor.run()


main()
