#!/bin/sh
# Every file in a CGIDirectory is run as a program.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
seconds=$(cut -d. -f1 /proc/uptime 2>/dev/null || echo 0)
echo "This machine has been up for $seconds seconds."
