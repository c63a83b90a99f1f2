#!/bin/sh
# tests/due/sigv4-oracle.sh through http:// -> awsv2-hsmd -> awsv2-due-emu.
exec sh "${top_srcdir:?run me through make check}/tests/due/sigv4-oracle.sh" http
