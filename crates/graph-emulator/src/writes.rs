//! The writes `apply` needs, with Graph's answers: creating compliance policies,
//! configuration profiles (email profiles through beta), Conditional Access policies and
//! groups (bodies checked against the v1.0 schema); `assign` with replace-all semantics that
//! keeps a target already present; PATCH and DELETE; the group upsert by `uniqueName`; and
//! member adds (`members/$ref`, `members@odata.bind`), all-or-nothing with Graph's error
//! when a member already exists; owners (`owners@odata.bind`) through `owners.rs`. New objects can stay invisible for a replication lag.

use crate::app::{Api, Request, Shared};
use crate::reply::{bad_request, directory_bad_request, directory_not_found, Reply};
use crate::schema::{self, Mode};
use crate::store::{Coll, Entry, Kind, Store};
use crate::util::{iso_utc, unix_now};
use serde_json::{json, Map, Value};
use std::time::Instant;

fn body(req: &Request) -> Result<&Value, Reply> {
    match &req.body {
        Some(v) if v.is_object() => Ok(v),
        _ => Err(bad_request("Empty Payload. JSON content expected.")),
    }
}

fn lagged(sh: &Shared, now: Instant) -> Option<Instant> {
    (!sh.config.replication_lag.is_zero()).then(|| now + sh.config.replication_lag)
}

fn entity(sh: &Shared, req: &Request, coll: Coll, object: &Map<String, Value>) -> Reply {
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        format!(
            "{}/{}/$metadata#{}/$entity",
            sh.base_url,
            req.api.name(),
            coll.context()
        )
        .into(),
    );
    out.extend(object.clone());
    Reply::json(201, &Value::Object(out))
}

fn intune_base(coll: Coll) -> &'static str {
    match coll {
        Coll::CompliancePolicies => "deviceCompliancePolicy",
        _ => "deviceConfiguration",
    }
}

/// Validates an Intune body: v1.0 against the schema; beta also accepts types that exist only
/// in beta (their properties are not checked).
fn validate_intune(
    coll: Coll,
    req: &Request,
    body: &Value,
    mode: Mode,
) -> Result<Option<String>, Reply> {
    let t = body.get("@odata.type").and_then(Value::as_str);
    if req.api == Api::Beta && t.is_some_and(|t| !schema::in_v1(t)) {
        return Ok(t.map(String::from));
    }
    schema::validate(intune_base(coll), body, mode)
        .map(Some)
        .map_err(bad_request)
}

/// `POST /deviceManagement/{deviceCompliancePolicies|deviceConfigurations}`.
pub fn create_intune(
    sh: &Shared,
    store: &mut Store,
    coll: Coll,
    req: &Request,
    now: Instant,
) -> Reply {
    if coll == Coll::ConfigurationPolicies {
        return bad_request("The emulator does not create settings catalog policies.");
    }
    let body = match body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let t = match validate_intune(coll, req, body, Mode::Create) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if body
        .get("displayName")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return bad_request("The property 'displayName' is required and cannot be empty.");
    }
    if coll == Coll::CompliancePolicies && !schema::has_one_block_action(body) {
        return Reply::error(
            400,
            "ModelValidationFailure",
            "Compliance policy must have one and only one block scheduled action",
        );
    }
    let id = sh.rng().uuid();
    let stamp = iso_utc(unix_now());
    let mut object = Map::new();
    let t = t.unwrap_or_else(|| intune_base(coll).to_string());
    let short = t
        .trim_start_matches('#')
        .trim_start_matches("microsoft.graph.");
    object.insert(
        "@odata.type".into(),
        format!("#microsoft.graph.{short}").into(),
    );
    object.insert("id".into(), id.clone().into());
    object.insert("createdDateTime".into(), stamp.clone().into());
    object.insert("lastModifiedDateTime".into(), stamp.into());
    object.insert("version".into(), 1.into());
    let mut extras = Vec::new();
    for (k, v) in body.as_object().into_iter().flatten() {
        match k.as_str() {
            "@odata.type" | "id" | "createdDateTime" | "lastModifiedDateTime" | "version" => {}
            "scheduledActionsForRule" => extras.push((k.clone(), with_ids(v, &mut sh.rng()))),
            "assignments" => extras.push((
                k.clone(),
                assignment_set(
                    &id,
                    &[],
                    v.as_array().map(Vec::as_slice).unwrap_or_default(),
                ),
            )),
            _ => {
                object.insert(k.clone(), v.clone());
            }
        }
    }
    let mut entry = Entry::from_value(Value::Object(object.clone()), &[]).expect("has id");
    entry.visible_from = lagged(sh, now);
    for (k, v) in extras {
        entry.set_extra(&k, v);
    }
    store.coll_mut(coll).insert(entry);
    entity(sh, req, coll, &object)
}

/// Gives every object in an array (and its nested action list) an id.
fn with_ids(value: &Value, rng: &mut crate::util::Rng) -> Value {
    let mut v = value.clone();
    for rule in v.as_array_mut().into_iter().flatten() {
        if let Some(o) = rule.as_object_mut() {
            o.entry("id").or_insert_with(|| rng.uuid().into());
            for action in o
                .get_mut("scheduledActionConfigurations")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(a) = action.as_object_mut() {
                    a.entry("id").or_insert_with(|| rng.uuid().into());
                }
            }
        }
    }
    v
}

/// The key Intune compares targets by: the target's type and group.
fn target_key(a: &Value) -> (String, String) {
    let t = &a["target"];
    (
        t.get("@odata.type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        t.get("groupId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase(),
    )
}

/// Replace-all: the posted targets become the whole set; a target already assigned keeps
/// its existing assignment (an edited duplicate does not take effect); duplicates collapse.
fn assignment_set(policy: &str, existing: &[Value], posted: &[Value]) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for a in posted {
        let key = target_key(a);
        if out.iter().any(|o| target_key(o) == key) {
            continue;
        }
        if let Some(old) = existing.iter().find(|o| target_key(o) == key) {
            out.push(old.clone());
            continue;
        }
        let suffix = match key.0.as_str() {
            "#microsoft.graph.allDevicesAssignmentTarget" => {
                "adadadad-808e-44e2-905a-0b7873a8a531".to_string()
            }
            "#microsoft.graph.allLicensedUsersAssignmentTarget" => {
                "acacacac-9df4-4c7d-9d50-4ef0226f57a9".to_string()
            }
            _ => key.1.clone(),
        };
        let mut target = a["target"].clone();
        if let Some(t) = target.as_object_mut() {
            t.remove("@odata.id");
        }
        out.push(json!({"id": format!("{policy}_{suffix}"), "target": target}));
    }
    Value::Array(out)
}

/// `POST …/{id}/assign`.
pub fn assign(sh: &Shared, store: &mut Store, coll: Coll, req: &Request, id: &str) -> Reply {
    let body = match body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(posted) = body.get("assignments").and_then(Value::as_array) else {
        return bad_request("The parameter 'assignments' is required and must be an array.");
    };
    let item_type = match coll {
        Coll::CompliancePolicies => "deviceCompliancePolicyAssignment",
        _ => "deviceConfigurationAssignment",
    };
    for a in posted {
        if req.api == Api::V1 {
            if let Err(m) = schema::validate(item_type, a, Mode::Create) {
                return bad_request(m);
            }
        }
        if a.get("target")
            .and_then(|t| t.get("@odata.type"))
            .and_then(Value::as_str)
            .is_none()
        {
            return bad_request("Each assignment needs a 'target' with an '@odata.type'.");
        }
    }
    let entry = store.coll_mut(coll).get_mut(id).expect("checked visible");
    let existing: Vec<Value> = entry
        .extra("assignments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let set = assignment_set(&entry.id, &existing, posted);
    entry.set_extra("assignments", set.clone());
    Reply::json(
        200,
        &json!({
            "@odata.context": format!("{}/{}/$metadata#Collection(microsoft.graph.{item_type})", sh.base_url, req.api.name()),
            "value": set,
        }),
    )
}

/// `PATCH …/{id}` on an Intune object: 200 with the updated object (as the docs say).
pub fn patch_intune(store: &mut Store, coll: Coll, req: &Request, id: &str) -> Reply {
    let body = match body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let stored_type = store.coll(coll).get(id).and_then(|e| e.odata_type.clone());
    if let Some(t) = body.get("@odata.type").and_then(Value::as_str) {
        if stored_type
            .as_deref()
            .is_some_and(|s| !s.eq_ignore_ascii_case(t))
        {
            return bad_request(format!(
                "The '@odata.type' '{t}' does not match the object's type '{}'.",
                stored_type.unwrap_or_default()
            ));
        }
    }
    if let Err(e) = validate_intune(coll, req, body, Mode::Update) {
        return e;
    }
    if body.get("scheduledActionsForRule").is_some() {
        return bad_request(
            "Scheduled actions cannot be changed by PATCH; use scheduleActionsForRules.",
        );
    }
    let mut object = store.value_of(coll, id).unwrap_or_default();
    for (k, v) in body.as_object().into_iter().flatten() {
        if !matches!(
            k.as_str(),
            "id" | "@odata.type" | "createdDateTime" | "version" | "assignments"
        ) {
            object.insert(k.clone(), v.clone());
        }
    }
    let version = object.get("version").and_then(Value::as_i64).unwrap_or(0) + 1;
    object.insert("version".into(), version.into());
    object.insert("lastModifiedDateTime".into(), iso_utc(unix_now()).into());
    let c = store.coll_mut(coll);
    if let Some(entry) = c.get_mut(id) {
        entry.set_value(&object);
    }
    c.note_map_keys(&object);
    Reply::json(200, &Value::Object(object))
}

/// `POST …/deviceCompliancePolicies/{id}/scheduleActionsForRules`: replaces the actions.
pub fn schedule_actions(store: &mut Store, req: &Request, id: &str) -> Reply {
    let Some(rules) = req
        .body
        .as_ref()
        .and_then(|b| b.get("deviceComplianceScheduledActionForRules"))
        .and_then(Value::as_array)
    else {
        return bad_request("The parameter 'deviceComplianceScheduledActionForRules' is required and must be an array.");
    };
    for r in rules {
        if let Err(m) = schema::validate("deviceComplianceScheduledActionForRule", r, Mode::Create)
        {
            return bad_request(m);
        }
    }
    let entry = store
        .coll_mut(Coll::CompliancePolicies)
        .get_mut(id)
        .expect("checked visible");
    entry.set_extra("scheduledActionsForRule", Value::Array(rules.clone()));
    Reply::empty(204)
}

/// `DELETE`: 204, or 404 when absent (or not yet replicated).
pub fn delete(store: &mut Store, coll: Coll, id: &str, now: Instant) -> Reply {
    match store.coll(coll).get(id) {
        Some(e) if e.visible(now) => {}
        _ => {
            return match coll {
                Coll::Groups => directory_not_found(id),
                _ => crate::api::intune_not_found(id),
            }
        }
    }
    let licensed =
        coll == Coll::Groups && store.group_grants.iter().any(|(g, _, _)| g.as_ref() == id);
    let removed = store.coll_mut(coll).remove(id);
    if coll == Coll::Groups {
        if let Some(e) = removed {
            store.members.remove(&e.id);
            for m in store.members.values_mut() {
                m.remove(&e.id);
            }
        }
        // Entra takes the deleted group's licences back from its members, asynchronously.
        if licensed {
            store.license_jobs.push(crate::store::LicenseJob {
                group_id: id.to_string(),
                due: now,
            });
        }
    }
    Reply::empty(204)
}

/// `PATCH /deviceManagement` (`settings`).
pub fn patch_device_management(store: &mut Store, req: &Request) -> Reply {
    let Some(body) = req.body.as_ref().and_then(Value::as_object) else {
        return bad_request("Empty Payload. JSON content expected.");
    };
    for (k, v) in body {
        match k.as_str() {
            "settings" if v.is_object() => {
                store.device_management.insert(k.clone(), v.clone());
            }
            "@odata.type" => {}
            _ => return bad_request(format!("The property '{k}' does not exist on type 'microsoft.graph.deviceManagement' or cannot be changed by the emulator.")),
        }
    }
    Reply::empty(204)
}

/// `POST /identity/conditionalAccess/policies`.
pub fn create_ca(sh: &Shared, store: &mut Store, req: &Request, now: Instant) -> Reply {
    let body = match body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Err(m) = schema::validate("conditionalAccessPolicy", body, Mode::Create) {
        return bad_request(m);
    }
    for required in ["displayName", "state", "conditions"] {
        if body.get(required).is_none_or(Value::is_null) {
            return bad_request(format!("The property '{required}' is required."));
        }
    }
    if store.coll(Coll::CaPolicies).len() >= 195 {
        return bad_request("The tenant has reached the limit of 195 Conditional Access policies.");
    }
    let id = sh.rng().uuid();
    let mut object = Map::new();
    object.insert("id".into(), id.into());
    object.insert("templateId".into(), Value::Null);
    object.insert("createdDateTime".into(), iso_utc(unix_now()).into());
    object.insert("modifiedDateTime".into(), Value::Null);
    for (k, v) in body.as_object().into_iter().flatten() {
        if !matches!(
            k.as_str(),
            "id" | "createdDateTime" | "modifiedDateTime" | "@odata.type"
        ) {
            object.insert(k.clone(), v.clone());
        }
    }
    object.entry("sessionControls").or_insert(Value::Null);
    object.entry("grantControls").or_insert(Value::Null);
    let mut entry = Entry::from_value(Value::Object(object.clone()), &[]).expect("has id");
    entry.visible_from = lagged(sh, now);
    store.coll_mut(Coll::CaPolicies).insert(entry);
    entity(sh, req, Coll::CaPolicies, &object)
}

/// `PATCH /identity/conditionalAccess/policies/{id}`: 204.
pub fn patch_ca(store: &mut Store, req: &Request, id: &str, now: Instant) -> Reply {
    let body = match body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if !store
        .coll(Coll::CaPolicies)
        .get(id)
        .is_some_and(|e| e.visible(now))
    {
        return Reply::error(
            404,
            "ResourceNotFound",
            format!("Resource not found for the key '{id}'."),
        );
    }
    if let Err(m) = schema::validate("conditionalAccessPolicy", body, Mode::Update) {
        return bad_request(m);
    }
    let mut object = store.value_of(Coll::CaPolicies, id).unwrap_or_default();
    for (k, v) in body.as_object().into_iter().flatten() {
        if !matches!(k.as_str(), "id" | "createdDateTime" | "@odata.type") {
            object.insert(k.clone(), v.clone());
        }
    }
    object.insert("modifiedDateTime".into(), iso_utc(unix_now()).into());
    if let Some(entry) = store.coll_mut(Coll::CaPolicies).get_mut(id) {
        entry.set_value(&object);
    }
    Reply::empty(204)
}

/// The id of the group with this `uniqueName` (case-insensitive), if replicated.
pub fn find_unique(store: &Store, unique: &str, now: Instant) -> Option<String> {
    let f = crate::odata::Filter::Eq("uniqueName".into(), unique.into());
    store
        .coll(Coll::Groups)
        .live()
        .find(|e| {
            let text = store.text(e);
            e.visible(now) && text.contains("\"uniqueName\"") && f.matches(&text)
        })
        .map(|e| e.id.to_string())
}

/// The ids in `members@odata.bind` (or a `$ref` body's `@odata.id`): the URL's last segment.
fn bound_ids(value: &Value) -> Vec<String> {
    let urls: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    urls.into_iter()
        .map(|u| {
            u.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(u)
                .to_string()
        })
        .collect()
}

/// Adds members all-or-nothing: 404 for an object the directory lacks, 400 (Graph's
/// message) when one is already a member.
fn add_members(store: &mut Store, gid: &str, ids: &[String], now: Instant) -> Result<(), Reply> {
    if ids.len() > 20 {
        return Err(directory_bad_request(
            "The maximum number of 20 members can be added in a single request.",
        ));
    }
    let mut kinds = Vec::new();
    for id in ids {
        let kind = store.kind_of(id).filter(|k| {
            k.coll()
                .and_then(|c| store.coll(c).get(id))
                .is_some_and(|e| e.visible(now))
        });
        match kind {
            Some(k) => kinds.push(k),
            None => return Err(directory_not_found(id)),
        }
    }
    let existing = store.members.get(gid);
    let duplicate = ids.iter().enumerate().any(|(i, id)| {
        existing.is_some_and(|m| m.set.contains(id.as_str())) || ids[..i].contains(id)
    });
    if duplicate {
        return Err(directory_bad_request("One or more added object references already exist for the following modified properties: 'members'."));
    }
    let members = store.members.entry(gid.into()).or_default();
    for (id, kind) in ids.iter().zip(kinds) {
        members.add(id, kind);
    }
    crate::licensing::members_changed(store, gid, now);
    Ok(())
}

fn visible_group(store: &Store, gid: &str, now: Instant) -> Option<String> {
    store
        .coll(Coll::Groups)
        .get(gid)
        .filter(|e| e.visible(now))
        .map(|e| e.id.to_string())
}

/// `POST /groups/{id}/members/$ref`.
pub fn add_member_ref(store: &mut Store, req: &Request, gid: &str, now: Instant) -> Reply {
    let Some(gid) = visible_group(store, gid, now) else {
        return directory_not_found(gid);
    };
    let ids = req
        .body
        .as_ref()
        .and_then(|b| b.get("@odata.id"))
        .map(bound_ids)
        .unwrap_or_default();
    if ids.len() != 1 {
        return directory_bad_request("The request body must be {\"@odata.id\": \"https://graph.microsoft.com/v1.0/directoryObjects/{id}\"}.");
    }
    match add_members(store, &gid, &ids, now) {
        Ok(()) => Reply::empty(204),
        Err(e) => e,
    }
}

/// `DELETE /groups/{id}/members/{memberId}/$ref`.
pub fn remove_member(store: &mut Store, gid: &str, member: &str, now: Instant) -> Reply {
    let Some(gid) = visible_group(store, gid, now) else {
        return directory_not_found(gid);
    };
    let removed = store
        .members
        .get_mut(gid.as_str())
        .is_some_and(|m| m.remove(member));
    if removed {
        crate::licensing::members_changed(store, &gid, now);
        Reply::empty(204)
    } else {
        directory_not_found(member)
    }
}

const GROUP_REQUIRED: [&str; 4] = [
    "displayName",
    "mailEnabled",
    "mailNickname",
    "securityEnabled",
];

/// `POST /groups` (or the create half of the upsert, with `unique` set).
pub fn create_group(
    sh: &Shared,
    store: &mut Store,
    req: &Request,
    unique: Option<&str>,
    now: Instant,
) -> Reply {
    let body = match body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Err(m) = schema::validate("group", body, Mode::Create) {
        return directory_bad_request(m);
    }
    for p in GROUP_REQUIRED {
        if body.get(p).is_none_or(Value::is_null) {
            return directory_bad_request(format!(
                "Invalid value specified for property '{p}' of resource 'Group'."
            ));
        }
    }
    let unique = unique.map(String::from).or_else(|| {
        body.get("uniqueName")
            .and_then(Value::as_str)
            .map(String::from)
    });
    if let Some(u) = &unique {
        if find_unique(store, u, now).is_some()
            || store.coll(Coll::Groups).live().any(|e| {
                store
                    .text(e)
                    .contains(&format!("\"uniqueName\":{}", Value::from(u.as_str())))
            })
        {
            return directory_bad_request(
                "Another object with the same value for property uniqueName already exists.",
            );
        }
    }
    let member_ids = body
        .get("members@odata.bind")
        .map(bound_ids)
        .unwrap_or_default();
    if member_ids.len() > 20 {
        return directory_bad_request(
            "The maximum number of 20 members can be added in a single request.",
        );
    }
    for m in &member_ids {
        if store.kind_of(m).is_none() {
            return directory_not_found(m);
        }
    }
    let owners = match body.get("owners@odata.bind") {
        Some(v) => match crate::owners::resolve(sh, store, v, now) {
            Ok(o) => o,
            Err(e) => return e,
        },
        None => Vec::new(),
    };
    if member_ids.len() + owners.len() > 20 {
        return directory_bad_request(
            "The maximum number of 20 members and owners together can be added when a group is created.",
        );
    }
    let id = sh.rng().uuid();
    let mut object = Map::new();
    object.insert("id".into(), id.clone().into());
    object.insert("createdDateTime".into(), iso_utc(unix_now()).into());
    object.insert("description".into(), Value::Null);
    object.insert("groupTypes".into(), json!([]));
    object.insert("membershipRule".into(), Value::Null);
    for (k, v) in body.as_object().into_iter().flatten() {
        if !k.contains('@') && !matches!(k.as_str(), "id" | "createdDateTime") {
            object.insert(k.clone(), v.clone());
        }
    }
    if let Some(u) = &unique {
        object.insert("uniqueName".into(), u.clone().into());
    }
    object.insert("assignedLicenses".into(), json!([]));
    let mut entry = Entry::from_value(Value::Object(object.clone()), &[]).expect("has id");
    entry.visible_from = lagged(sh, now);
    store.coll_mut(Coll::Groups).insert(entry);
    crate::owners::add(store, &id, owners);
    let members = store.members.entry(id.as_str().into()).or_default();
    for m in &member_ids {
        let kind = Kind::User;
        members.add(m, kind);
    }
    let fix: Vec<(String, Kind)> = member_ids
        .iter()
        .map(|m| (m.clone(), store.kind_of(m).unwrap_or(Kind::Other)))
        .collect();
    if let Some(ms) = store.members.get_mut(id.as_str()) {
        for (m, k) in fix {
            if let Some(slot) = ms.order.iter_mut().find(|(i, _)| i.as_ref() == m) {
                slot.1 = k;
            }
        }
    }
    entity(sh, req, Coll::Groups, &object)
}

/// `PATCH /groups/{id}`: properties, `members@odata.bind` (≤ 20, all-or-nothing) and
/// `owners@odata.bind` (owners already present kept); 204.
pub fn patch_group(
    sh: &Shared,
    store: &mut Store,
    req: &Request,
    gid: &str,
    now: Instant,
) -> Reply {
    let Some(gid) = visible_group(store, gid, now) else {
        return directory_not_found(gid);
    };
    let body = match body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Err(m) = schema::validate("group", body, Mode::Update) {
        return directory_bad_request(m);
    }
    let owners = match body.get("owners@odata.bind") {
        Some(v) => match crate::owners::resolve(sh, store, v, now) {
            Ok(o) => o,
            Err(e) => return e,
        },
        None => Vec::new(),
    };
    if let Some(binds) = body.get("members@odata.bind") {
        if let Err(e) = add_members(store, &gid, &bound_ids(binds), now) {
            return e;
        }
    }
    crate::owners::add(store, &gid, owners);
    let mut object = store.value_of(Coll::Groups, &gid).unwrap_or_default();
    for (k, v) in body.as_object().into_iter().flatten() {
        if !k.contains('@') && !matches!(k.as_str(), "id" | "createdDateTime") {
            object.insert(k.clone(), v.clone());
        }
    }
    let groups = store.coll_mut(Coll::Groups);
    if let Some(entry) = groups.get_mut(&gid) {
        entry.set_value(&object);
    }
    groups.note_map_keys(&object);
    Reply::empty(204)
}

/// `PATCH /groups(uniqueName='…')`: update (204) or, with `Prefer: create-if-missing`,
/// create (201); without the header a missing group is 404.
pub fn upsert_group(
    sh: &Shared,
    store: &mut Store,
    req: &Request,
    unique: &str,
    now: Instant,
) -> Reply {
    if let Some(id) = find_unique(store, unique, now) {
        return patch_group(sh, store, req, &id, now);
    }
    let prefer = req
        .header("prefer")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !prefer.split(',').any(|p| p.trim() == "create-if-missing") {
        return directory_not_found(unique);
    }
    let reply = create_group(sh, store, req, Some(unique), now);
    if reply.status == 201 {
        reply.with_header("Preference-Applied", "create-if-missing")
    } else {
        reply
    }
}
