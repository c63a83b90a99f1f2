#!/bin/sh
# tests/due/sigv4.sh through http:// -> awsv2-hsmd -> awsv2-due-emu.
exec bash "${top_srcdir:?run me through make check}/tests/due/sigv4.sh" http
