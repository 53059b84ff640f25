#!/usr/bin/env python3
"""Generates crates/graph-emulator/src/schema.json: the subset of Microsoft Graph's v1.0 CSDL
that the emulator validates write bodies against.

It keeps the types bms2intune writes (compliance policies, configuration profiles, Conditional
Access policies, groups, their assignments and scheduled actions), every type derived from them,
and every complex and enum type they reach. The output is compact JSON with sorted keys, so the
same CSDL always gives the same bytes.

Usage: python3 scripts/gen-emulator-schema.py [../shared/schemas/graph-v1.0.csdl] [OUT]
"""
import json
import sys
import xml.etree.ElementTree as ET

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
NS = "microsoft.graph"

# Entity types whose bodies the emulator validates, with every type derived from them.
ROOTS = [
    "deviceCompliancePolicy",
    "deviceConfiguration",
    "conditionalAccessPolicy",
    "group",
    "deviceCompliancePolicyAssignment",
    "deviceConfigurationAssignment",
    "deviceComplianceScheduledActionForRule",
    "deviceComplianceActionItem",
]
# Navigation properties that may appear in a create body (deep insert) and are validated.
DEEP_INSERT = {"assignments", "scheduledActionsForRule", "scheduledActionConfigurations"}


def strip(t):
    coll = t.startswith("Collection(")
    if coll:
        t = t[len("Collection("):-1]
    for prefix in ("graph.", NS + "."):
        if t.startswith(prefix):
            t = t[len(prefix):]
    return t, coll


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "../shared/schemas/graph-v1.0.csdl"
    out = sys.argv[2] if len(sys.argv) > 2 else "crates/graph-emulator/src/schema.json"
    root = ET.parse(src).getroot()
    schema = next(s for s in root.iter(EDM + "Schema") if s.get("Namespace") == NS)
    kinds, elems = {}, {}
    for el in schema:
        tag = el.tag[len(EDM):]
        if tag in ("EntityType", "ComplexType", "EnumType"):
            kinds[el.get("Name")] = tag
            elems[el.get("Name")] = el
    children = {}
    for name, el in elems.items():
        base = el.get("BaseType")
        if base:
            children.setdefault(strip(base)[0], []).append(name)

    # A type reached downwards (a root, a property's type) brings its derived types, since a
    # body may name any of them in @odata.type; a base type only brings its own properties.
    wanted, expanded, queue = set(), set(), [(r, True) for r in ROOTS]

    def want(name, down=True):
        if name in kinds and (name not in wanted or (down and name not in expanded)):
            queue.append((name, down))

    while queue:
        name, down = queue.pop()
        if name not in kinds or (name in wanted and (not down or name in expanded)):
            continue
        wanted.add(name)
        el = elems[name]
        base = el.get("BaseType")
        if base:
            want(strip(base)[0], False)
        if kinds[name] != "EnumType":
            if down:
                expanded.add(name)
                for child in children.get(name, []):
                    want(child)
            for p in el.findall(EDM + "Property"):
                want(strip(p.get("Type"))[0])
            for n in el.findall(EDM + "NavigationProperty"):
                if n.get("Name") in DEEP_INSERT:
                    want(strip(n.get("Type"))[0])

    types, enums = {}, {}
    for name in sorted(wanted):
        el = elems[name]
        if kinds[name] == "EnumType":
            enums[name] = {
                "flags": el.get("IsFlags") == "true",
                "members": [m.get("Name") for m in el.findall(EDM + "Member")],
            }
            continue
        props = {}
        for p in el.findall(EDM + "Property"):
            t, coll = strip(p.get("Type"))
            props[p.get("Name")] = [t, coll, p.get("Nullable") != "false"]
        navs = {}
        for n in el.findall(EDM + "NavigationProperty"):
            t, coll = strip(n.get("Type"))
            navs[n.get("Name")] = [t if n.get("Name") in DEEP_INSERT else "", coll]
        entry = {"kind": "entity" if kinds[name] == "EntityType" else "complex", "props": props}
        if navs:
            entry["navs"] = navs
        if el.get("BaseType"):
            entry["base"] = strip(el.get("BaseType"))[0]
        if el.get("Abstract") == "true":
            entry["abstract"] = True
        if el.get("OpenType") == "true":
            entry["open"] = True
        types[name] = entry
    doc = {
        "source": "microsoftgraph/msgraph-metadata schemas/v1.0-Prod.csdl (subset)",
        "roots": ROOTS,
        "types": types,
        "enums": enums,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    print(f"{out}: {len(types)} types, {len(enums)} enums")


if __name__ == "__main__":
    main()
