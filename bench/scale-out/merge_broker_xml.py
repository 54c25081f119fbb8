#!/usr/bin/env python3
"""Merges the gateway's artemis-config/external/*.xml into a broker.xml made by `artemis create`: the
<address-setting>, <address> and <security-setting> blocks go into the existing sections (a <core> may
hold only one of each), as the README tells operators to do by hand. Text-level, so comments survive."""
import re, sys

broker_xml, external_dir = sys.argv[1], sys.argv[2]
text = open(broker_xml, encoding="utf-8").read()

def inner(name):
    part = open("%s/%s.xml" % (external_dir, name), encoding="utf-8").read()
    body = re.search(r"<%s xmlns=[^>]*>(.*)</%s>" % (name, name), part, re.S).group(1)
    return "\n      <!-- mail gateway: artemis-config/external/%s.xml -->%s" % (name, body)

for section in ("address-settings", "addresses", "security-settings"):
    closing = "</%s>" % section
    if closing not in text:
        sys.exit("no <%s> in %s" % (section, broker_xml))
    text = text.replace(closing, inner(section) + closing, 1)
open(broker_xml, "w", encoding="utf-8").write(text)
