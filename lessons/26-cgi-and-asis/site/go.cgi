#!/bin/sh
# A Location header and no Status: the answer is a 302 redirect.
printf 'Location: /index.html\r\nContent-Type: text/plain\r\n\r\nGo to /index.html.\n'
