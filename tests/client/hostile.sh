#!/bin/bash
# Hostile XML from a loopback server: an entity-expansion bomb, an external
# entity naming a local file, a truncated document and a 100 MB one. Each
# is an error (1): no crash, no hang, the file never read.
. "${top_srcdir:-.}/tests/client/lib.sh"

stub=$(prog tests/client/stub-http)
marker=MARKER-5e1f-NOT-TO-BE-READ
echo "$marker" > "$tmp/secret-file"

cat > "$tmp/bomb.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<DescribeInstancesResponse><reservationSet><item><reservationId>&e;&e;&e;</reservationId>
<instancesSet><item><instanceId>i-1</instanceId></item></instancesSet></item></reservationSet>
</DescribeInstancesResponse>
XML
cat > "$tmp/xxe.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY x SYSTEM "file://$tmp/secret-file"> ]>
<DescribeInstancesResponse><reservationSet><item><reservationId>&x;</reservationId>
<instancesSet><item><instanceId>i-1</instanceId><instanceType>&x;</instanceType>
</item></instancesSet></item></reservationSet></DescribeInstancesResponse>
XML
printf '<DescribeInstancesResponse><reservationSet><item><reservationId>r-1</res' \
    > "$tmp/truncated.xml"

for doc in bomb xxe truncated; do
    start_server "$doc" "$stub" file "$tmp/$doc.xml"
    expect_status 1 "$ec2" --endpoint "$url" --timeout 5 --output json
    grep -q "$marker" "$tmp/out" "$tmp/err" && fail "$doc: the local file was read"
    [ -s "$tmp/out" ] && fail "$doc: printed a result: $(head -c 300 "$tmp/out")"
done

# 100 MB without a length: cut off at the 16 MiB limit, quickly.
start_server huge "$stub" stream 104857600
start=$SECONDS
expect_status 1 "$ec2" --endpoint "$url" --timeout 10
grep -q 'larger than' "$tmp/err" || fail "100 MB: $(cat "$tmp/err")"
[ $((SECONDS - start)) -le 8 ] || fail "100 MB took $((SECONDS - start)) s"
exit 0
