#!/bin/sh
# This script stops before the blank line that ends its headers: the server cannot tell
# what it meant, so the client gets a 500 and the log gets the reason.
printf 'Content-Type: text/plain\r\n'
echo "something went wrong" >&2
exit 1
