#!/bin/sh
# A CGI program: the request arrives as environment variables (and the body, if any, on
# standard input). The answer is a block of headers, a blank line, then the body.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
echo "Hello from a shell script. The request, as CGI variables:"
echo
env | grep -E '^(REQUEST_METHOD|SCRIPT_NAME|PATH_INFO|QUERY_STRING|SERVER_NAME|SERVER_PORT|REMOTE_ADDR|HTTP_[A-Z_]+)=' | sort
echo
echo "Every variable this script got: $(env | cut -d= -f1 | sort | tr '\n' ' ')"
