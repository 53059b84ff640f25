//! A small in-memory tenant for the tests: the objects apply's steps touch (organization,
//! security defaults, SKUs, groups with members and licences, policy collections with their
//! assignments), answering the requests apply and rollback make the way Graph does (upsert by
//! `uniqueName`, 400 when a bound member already exists, replace-all `assign`, 202 on
//! `assignLicense`). `lag` hides a freshly created policy from that many reads, like the
//! directory's replication delay.

use crate::decide::{target_key, CA_COLLECTION};
use crate::http::{Method, Request, Response};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub unique_name: Option<String>,
    pub display_name: String,
    pub description: String,
    pub members: BTreeSet<String>,
    /// Licence SKU id → seats it consumes.
    pub licences: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub id: String,
    pub body: Value,
    pub version: i64,
    pub assignments: Vec<Value>,
    /// Reads that still miss it (replication).
    pub hidden_reads: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sku {
    pub sku_id: String,
    pub enabled: i64,
    pub consumed: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FakeTenant {
    pub tenant_id: String,
    pub mdm_authority: String,
    pub security_defaults: bool,
    pub groups: Vec<Group>,
    pub collections: BTreeMap<String, Vec<Object>>,
    pub skus: Vec<Sku>,
    pub next_id: u64,
    pub lag: u32,
    /// Writes answered, successful or not.
    pub writes: usize,
}

fn not_found() -> Response {
    Response::new(
        404,
        json!({"error": {"code": "Request_ResourceNotFound", "message": "not found"}}),
    )
}

fn bad_request(message: &str) -> Response {
    Response::new(
        400,
        json!({"error": {"code": "Request_BadRequest", "message": message}}),
    )
}

impl FakeTenant {
    pub fn new(tenant_id: &str, collections: &[&str]) -> Self {
        let mut map: BTreeMap<String, Vec<Object>> = collections
            .iter()
            .map(|c| (c.to_string(), Vec::new()))
            .collect();
        map.entry(CA_COLLECTION.to_string()).or_default();
        FakeTenant {
            tenant_id: tenant_id.to_string(),
            mdm_authority: "intune".into(),
            security_defaults: false,
            groups: Vec::new(),
            collections: map,
            skus: Vec::new(),
            next_id: 1,
            lag: 0,
            writes: 0,
        }
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("00000000-0000-0000-0000-{:012}", self.next_id)
    }

    pub fn add_group(&mut self, id: &str, display_name: &str) {
        self.groups.push(Group {
            id: id.to_string(),
            unique_name: None,
            display_name: display_name.to_string(),
            description: String::new(),
            members: BTreeSet::new(),
            licences: BTreeMap::new(),
        });
    }

    pub fn add_object(&mut self, collection: &str, id: &str, body: Value, version: i64) {
        self.collections
            .entry(collection.to_string())
            .or_default()
            .push(Object {
                id: id.to_string(),
                body,
                version,
                assignments: Vec::new(),
                hidden_reads: 0,
            });
    }

    fn group_json(g: &Group) -> Value {
        let licences: Vec<Value> = g
            .licences
            .keys()
            .map(|s| json!({"skuId": s, "disabledPlans": []}))
            .collect();
        json!({"id": g.id, "displayName": g.display_name, "description": g.description, "assignedLicenses": licences})
    }

    pub fn handle(&mut self, request: &Request) -> Response {
        if request.method != Method::Get {
            self.writes += 1;
        }
        let path = request.path.split('?').next().unwrap_or("").to_string();
        let body = request.body.clone().unwrap_or(Value::Null);
        if let Some(rest) = path.strip_prefix("/v1.0/groups(uniqueName='") {
            let name = rest.trim_end_matches("')").replace("''", "'");
            return self.group_by_unique_name(request.method, &name, &body);
        }
        match (request.method, path.as_str()) {
            (Method::Get, "/v1.0/organization") => {
                return Response::new(
                    200,
                    json!({"value": [{"id": self.tenant_id, "mobileDeviceManagementAuthority": self.mdm_authority}]}),
                )
            }
            (Method::Get, "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy") => {
                return Response::new(200, json!({"isEnabled": self.security_defaults}))
            }
            (Method::Get, "/v1.0/subscribedSkus") => {
                let value: Vec<Value> = self
                    .skus
                    .iter()
                    .map(|s| json!({"skuId": s.sku_id, "prepaidUnits": {"enabled": s.enabled}, "consumedUnits": s.consumed}))
                    .collect();
                return Response::new(200, json!({ "value": value }));
            }
            _ => {}
        }
        if let Some(rest) = path.strip_prefix("/v1.0/groups/") {
            return self.group_request(request.method, rest, &body);
        }
        let collection = self
            .collections
            .keys()
            .find(|c| path == **c || path.starts_with(&format!("{c}/")))
            .cloned();
        match collection {
            Some(c) => {
                let rest = path[c.len()..].trim_start_matches('/').to_string();
                self.collection_request(request.method, &c, &rest, body)
            }
            None => not_found(),
        }
    }

    fn group_by_unique_name(&mut self, method: Method, name: &str, body: &Value) -> Response {
        let found = self
            .groups
            .iter()
            .position(|g| g.unique_name.as_deref() == Some(name));
        match (method, found) {
            (Method::Get, Some(i)) => Response::new(200, Self::group_json(&self.groups[i])),
            (Method::Get, None) => not_found(),
            (Method::Patch, Some(_)) => Response::new(204, Value::Null),
            (Method::Patch, None) => {
                let id = self.new_id();
                let group = Group {
                    id,
                    unique_name: Some(name.to_string()),
                    display_name: body["displayName"].as_str().unwrap_or("").to_string(),
                    description: body["description"].as_str().unwrap_or("").to_string(),
                    members: BTreeSet::new(),
                    licences: BTreeMap::new(),
                };
                let json = Self::group_json(&group);
                self.groups.push(group);
                Response::new(201, json)
            }
            _ => bad_request("unsupported"),
        }
    }

    fn group_request(&mut self, method: Method, rest: &str, body: &Value) -> Response {
        let mut parts = rest.split('/');
        let id = parts.next().unwrap_or("");
        let Some(ix) = self.groups.iter().position(|g| g.id == id) else {
            return not_found();
        };
        let tail: Vec<&str> = parts.collect();
        match (method, tail.as_slice()) {
            (Method::Get, []) => Response::new(200, Self::group_json(&self.groups[ix])),
            (Method::Delete, []) => {
                let group = self.groups.remove(ix);
                for (sku, seats) in group.licences {
                    self.consume(&sku, -seats);
                }
                Response::new(204, Value::Null)
            }
            (Method::Patch, []) => {
                let binds: Vec<String> = body["members@odata.bind"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str())
                            .map(|s| s.rsplit('/').next().unwrap_or("").to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                if binds.len() > 20 {
                    return bad_request("at most 20 members per request");
                }
                if binds.iter().any(|m| self.groups[ix].members.contains(m)) {
                    return bad_request("One or more added object references already exist for the following modified properties: 'members'.");
                }
                self.groups[ix].members.extend(binds);
                Response::new(204, Value::Null)
            }
            (Method::Get, ["members"]) => {
                let value: Vec<Value> = self.groups[ix]
                    .members
                    .iter()
                    .map(|m| json!({"id": m}))
                    .collect();
                Response::new(200, json!({ "value": value }))
            }
            (Method::Get, ["membersWithLicenseErrors"]) => {
                Response::new(200, json!({ "value": [] }))
            }
            (Method::Delete, ["members", member, "$ref"]) => {
                if self.groups[ix].members.remove(*member) {
                    Response::new(204, Value::Null)
                } else {
                    not_found()
                }
            }
            (Method::Post, ["assignLicense"]) => {
                let seats = self.groups[ix].members.len() as i64;
                for add in body["addLicenses"].as_array().into_iter().flatten() {
                    let sku = add["skuId"].as_str().unwrap_or("").to_string();
                    if !self.groups[ix].licences.contains_key(&sku) {
                        self.groups[ix].licences.insert(sku.clone(), seats);
                        self.consume(&sku, seats);
                    }
                }
                for remove in body["removeLicenses"].as_array().into_iter().flatten() {
                    let sku = remove.as_str().unwrap_or("");
                    if let Some(seats) = self.groups[ix].licences.remove(sku) {
                        self.consume(sku, -seats);
                    }
                }
                Response::new(202, Value::Null)
            }
            _ => bad_request("unsupported"),
        }
    }

    fn consume(&mut self, sku: &str, seats: i64) {
        if let Some(s) = self.skus.iter_mut().find(|s| s.sku_id == sku) {
            s.consumed += seats;
        }
    }

    fn collection_request(
        &mut self,
        method: Method,
        collection: &str,
        rest: &str,
        mut body: Value,
    ) -> Response {
        let mut parts = rest.split('/').filter(|p| !p.is_empty());
        let id = parts.next();
        let action = parts.next();
        if id.is_none() {
            return match method {
                Method::Get => {
                    let objects = self
                        .collections
                        .get_mut(collection)
                        .expect("known collection");
                    let mut value = Vec::new();
                    for o in objects.iter_mut() {
                        if o.hidden_reads > 0 {
                            o.hidden_reads -= 1;
                            continue;
                        }
                        let mut item = o.body.clone();
                        item["id"] = json!(o.id);
                        value.push(item);
                    }
                    Response::new(200, json!({ "value": value }))
                }
                Method::Post => {
                    let id = self.new_id();
                    body["id"] = json!(id);
                    let lag = self.lag;
                    self.collections
                        .get_mut(collection)
                        .expect("known collection")
                        .push(Object {
                            id,
                            body: body.clone(),
                            version: 1,
                            assignments: Vec::new(),
                            hidden_reads: lag,
                        });
                    Response::new(201, body)
                }
                _ => bad_request("unsupported"),
            };
        }
        let objects = self
            .collections
            .get_mut(collection)
            .expect("known collection");
        let Some(ix) = objects.iter().position(|o| Some(o.id.as_str()) == id) else {
            return not_found();
        };
        match (method, action) {
            (Method::Get, None) => {
                let mut item = objects[ix].body.clone();
                item["id"] = json!(objects[ix].id);
                item["version"] = json!(objects[ix].version);
                Response::new(200, item)
            }
            (Method::Delete, None) => {
                objects.remove(ix);
                Response::new(204, Value::Null)
            }
            (Method::Get, Some("assignments")) => {
                let value: Vec<Value> = objects[ix]
                    .assignments
                    .iter()
                    .map(|t| json!({"target": t}))
                    .collect();
                Response::new(200, json!({ "value": value }))
            }
            (Method::Post, Some("assign")) => {
                // Replace-all; a target posted twice is kept once.
                let mut seen = BTreeSet::new();
                let targets: Vec<Value> = body["assignments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.get("target").cloned())
                    .filter(|t| seen.insert(target_key(t)))
                    .collect();
                objects[ix].assignments = targets;
                let value: Vec<Value> = objects[ix]
                    .assignments
                    .iter()
                    .map(|t| json!({"target": t}))
                    .collect();
                Response::new(200, json!({ "value": value }))
            }
            _ => bad_request("unsupported"),
        }
    }

    /// The tenant without generated ids, in a fixed order, for comparing end states.
    pub fn canonical(&self) -> Value {
        let mut groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| json!({"uniqueName": g.unique_name, "displayName": g.display_name, "description": g.description, "members": g.members, "licences": g.licences}))
            .collect();
        groups.sort_by_key(|g| g.to_string());
        let collections: BTreeMap<&String, Vec<Value>> = self
            .collections
            .iter()
            .map(|(c, objects)| {
                let mut list: Vec<Value> = objects
                    .iter()
                    .map(|o| {
                        let mut body = o.body.clone();
                        body.as_object_mut().map(|b| b.remove("id"));
                        let mut targets = o.assignments.clone();
                        targets.sort_by_key(|t| t.to_string());
                        json!({"body": body, "version": o.version, "assignments": targets})
                    })
                    .collect();
                list.sort_by_key(|o| o.to_string());
                (c, list)
            })
            .collect();
        let skus: Vec<Value> = self
            .skus
            .iter()
            .map(|s| json!([s.sku_id, s.enabled, s.consumed]))
            .collect();
        json!({"mdm": self.mdm_authority, "groups": groups, "collections": collections, "skus": skus})
    }

    /// Objects (groups and policies) whose description carries the same marker more than once.
    pub fn duplicates(&self) -> Vec<String> {
        let mut seen = BTreeMap::<String, usize>::new();
        let descriptions = self.groups.iter().map(|g| g.description.clone()).chain(
            self.collections
                .values()
                .flatten()
                .map(|o| o.body["description"].as_str().unwrap_or("").to_string()),
        );
        for d in descriptions {
            if let Some(start) = d.find("[bms2intune ") {
                *seen.entry(d[start..].to_string()).or_default() += 1;
            }
        }
        seen.into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(m, _)| m)
            .collect()
    }
}
