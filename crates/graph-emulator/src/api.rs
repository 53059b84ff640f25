//! The Graph routes: which path and method do what, the permission each needs, and the
//! reads (collections with paging, single objects, group members, security defaults). Writes live in
//! `writes.rs` and licensing in `licensing.rs`; both are reached from here.

use crate::app::{Api, Caller, Request, Shared};
use crate::odata::{self, Filter, Paging, Query, Render};
use crate::reply::{bad_request, directory_not_found, no_route, Reply};
use crate::schema;
use crate::store::{Coll, Entry, Kind, Store};
use crate::throttle::Service;
use crate::{licensing, owners, principals, writes};
use std::time::Instant;

const READ_DIRECTORY: &[&str] = &["Directory.Read.All", "Directory.ReadWrite.All"];

/// The id of `identitySecurityDefaultsEnforcementPolicy` (the same in every tenant).
const SECURITY_DEFAULTS_ID: &str = "00000000-0000-0000-0000-000000000005";

/// Dispatches one authenticated, unthrottled Graph request.
pub fn route(sh: &Shared, caller: &Caller, req: &Request, seg: &[&str], q: &Query) -> Reply {
    let now = Instant::now();
    if let Err(denied) = authorize(caller, req, seg) {
        return denied;
    }
    let get = req.method == "GET";
    if get {
        // Reads share the store: pages of concurrent requests render side by side. A due
        // group licence job must be applied first, which needs the store alone.
        let store = sh.store_read();
        if store.license_jobs.iter().all(|j| j.due > now) {
            if let Some(reply) = read(sh, &store, req, seg, q, now) {
                return reply;
            }
        }
    }
    let mut store = sh.store();
    licensing::process_due(&mut store, now);
    if get {
        if let Some(reply) = read(sh, &store, req, seg, q, now) {
            return reply;
        }
    }
    let m = req.method.as_str();
    // `groups(uniqueName='…')`: the alternate key.
    if let Some(first) = seg.first() {
        if let Some(key) = first
            .strip_prefix("groups(uniqueName=")
            .and_then(|r| r.strip_suffix(')'))
        {
            let unique = key.trim_matches('\'').replace("''", "'");
            return match (m, seg.len()) {
                ("PATCH", 1) => writes::upsert_group(sh, &mut store, req, &unique, now),
                ("GET", 1) => match writes::find_unique(&store, &unique, now) {
                    Some(id) => get_one(sh, &store, Coll::Groups, req, q, &id, now),
                    None => directory_not_found(&unique),
                },
                _ => no_route(m, &req.path),
            };
        }
    }
    match (m, seg) {
        ("POST", ["users", id, "assignLicense"]) => licensing::assign_user(sh, &mut store, req, id),
        ("POST", ["groups"]) => writes::create_group(sh, &mut store, req, None, now),
        ("PATCH", ["groups", id]) => writes::patch_group(sh, &mut store, req, id, now),
        ("DELETE", ["groups", id]) => writes::delete(&mut store, Coll::Groups, id, now),
        ("POST", ["groups", id, "members", "$ref"]) => {
            writes::add_member_ref(&mut store, req, id, now)
        }
        ("DELETE", ["groups", id, "members", member, "$ref"]) => {
            writes::remove_member(&mut store, id, member, now)
        }
        ("POST", ["groups", id, "assignLicense"]) => {
            licensing::assign_group(sh, &mut store, req, id, now)
        }
        ("PATCH", ["deviceManagement"]) => writes::patch_device_management(&mut store, req),
        ("POST", ["identity", "conditionalAccess", "policies"]) => {
            writes::create_ca(sh, &mut store, req, now)
        }
        ("PATCH", ["identity", "conditionalAccess", "policies", id]) => {
            writes::patch_ca(&mut store, req, id, now)
        }
        ("DELETE", ["identity", "conditionalAccess", "policies", id]) => {
            writes::delete(&mut store, Coll::CaPolicies, id, now)
        }
        (_, ["deviceManagement", name, rest @ ..]) => match intune_coll(name, req.api) {
            Some(coll) => intune(sh, &mut store, coll, req, q, rest, now),
            None => no_route(m, &req.path),
        },
        _ => no_route(m, &req.path),
    }
}

/// The plain reads (lists, single objects, members), which need the store only shared;
/// `None` for any other request.
fn read(
    sh: &Shared,
    store: &Store,
    req: &Request,
    seg: &[&str],
    q: &Query,
    now: Instant,
) -> Option<Reply> {
    Some(match seg {
        ["organization"] => list(sh, store, Coll::Organization, req, q, odata::UNPAGED, now),
        ["organization", id] => get_one(sh, store, Coll::Organization, req, q, id, now),
        ["subscribedSkus"] => list(sh, store, Coll::SubscribedSkus, req, q, odata::UNPAGED, now),
        ["users"] => list(sh, store, Coll::Users, req, q, odata::DIRECTORY, now),
        ["users", id] => match user_id(store, id) {
            Some(uid) => get_one(sh, store, Coll::Users, req, q, &uid, now),
            None => directory_not_found(id),
        },
        ["groups"] => list(sh, store, Coll::Groups, req, q, odata::DIRECTORY, now),
        ["groups", id] => get_one(sh, store, Coll::Groups, req, q, id, now),
        ["groups", id, "members"] => members(sh, store, req, q, id, false, None, now),
        ["groups", id, "members", cast] => members(sh, store, req, q, id, false, Some(cast), now),
        ["groups", id, "transitiveMembers"] => members(sh, store, req, q, id, true, None, now),
        ["groups", id, "transitiveMembers", cast] => {
            members(sh, store, req, q, id, true, Some(cast), now)
        }
        ["groups", id, "owners"] => owners::list(sh, store, req, q, id, now),
        ["groups", id, "membersWithLicenseErrors"] => {
            licensing::members_with_errors(sh, store, req, id)
        }
        ["devices"] => list(sh, store, Coll::Devices, req, q, odata::DIRECTORY, now),
        ["devices", id] => get_one(sh, store, Coll::Devices, req, q, id, now),
        ["directoryObjects", id] => match store.kind_of(id).and_then(Kind::coll) {
            Some(c) => get_one(sh, store, c, req, q, id, now),
            None => directory_not_found(id),
        },
        ["policies", "identitySecurityDefaultsEnforcementPolicy"] => Reply::json(
            200,
            &serde_json::json!({
                "@odata.context": format!(
                    "{}/{}/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity",
                    sh.base_url,
                    req.api.name()
                ),
                "id": SECURITY_DEFAULTS_ID,
                "displayName": "Security Defaults",
                "isEnabled": store.security_defaults,
            }),
        ),
        ["deviceManagement"] => {
            let mut v = serde_json::Value::Object(store.device_management.clone());
            v["@odata.context"] = format!(
                "{}/{}/$metadata#deviceManagement",
                sh.base_url,
                req.api.name()
            )
            .into();
            v["subscriptionState"] = sh.config.intune_subscription.clone().into();
            Reply::json(200, &v)
        }
        ["deviceManagement", "managedDevices"] => {
            list(sh, store, Coll::ManagedDevices, req, q, odata::INTUNE, now)
        }
        ["deviceManagement", "managedDevices", id] => {
            get_one(sh, store, Coll::ManagedDevices, req, q, id, now)
        }
        ["identity", "conditionalAccess", "policies"] => list(
            sh,
            store,
            Coll::CaPolicies,
            req,
            q,
            odata::CONDITIONAL_ACCESS,
            now,
        ),
        ["identity", "conditionalAccess", "policies", id] => {
            get_one(sh, store, Coll::CaPolicies, req, q, id, now)
        }
        [first, rest @ ..] if first.starts_with("servicePrincipals(") => {
            let Some(app_id) = principals::app_id_key(first) else {
                return Some(no_route("GET", &req.path));
            };
            match rest {
                [] => principals::get(sh, req, q, &app_id),
                ["appRoleAssignments"] => principals::app_role_assignments(sh, req, &app_id),
                _ => no_route("GET", &req.path),
            }
        }
        _ => return None,
    })
}

fn intune_coll(name: &str, api: Api) -> Option<Coll> {
    match name {
        "deviceCompliancePolicies" => Some(Coll::CompliancePolicies),
        "deviceConfigurations" => Some(Coll::Configurations),
        "configurationPolicies" if api == Api::Beta => Some(Coll::ConfigurationPolicies),
        _ => None,
    }
}

fn intune(
    sh: &Shared,
    store: &mut Store,
    coll: Coll,
    req: &Request,
    q: &Query,
    rest: &[&str],
    now: Instant,
) -> Reply {
    let m = req.method.as_str();
    if let [id, ..] = rest {
        if !visible_in(store, coll, id, req.api, now) {
            return intune_not_found(id);
        }
    }
    match (m, rest) {
        ("GET", []) => list(sh, store, coll, req, q, odata::INTUNE, now),
        ("POST", []) => writes::create_intune(sh, store, coll, req, now),
        ("GET", [id]) => get_one(sh, store, coll, req, q, id, now),
        ("PATCH", [id]) => writes::patch_intune(store, coll, req, id),
        ("DELETE", [id]) => writes::delete(store, coll, id, now),
        ("POST", [id, "assign"]) => writes::assign(sh, store, coll, req, id),
        ("GET", [id, nav @ ("assignments" | "scheduledActionsForRule" | "settings")]) => {
            let entry = store.coll(coll).get(id).expect("checked visible");
            let value = entry
                .extra(nav)
                .cloned()
                .unwrap_or_else(|| serde_json::json!([]));
            Reply::json(
                200,
                &serde_json::json!({
                    "@odata.context": format!("{}/{}/$metadata#{}('{}')/{}", sh.base_url, req.api.name(), coll.context(), id, nav),
                    "value": value,
                }),
            )
        }
        ("GET", [id, "deviceStatusOverview"])
            if matches!(coll, Coll::CompliancePolicies | Coll::Configurations) =>
        {
            let mut v = crate::device_status::overview(store, coll, id);
            v["@odata.context"] = format!(
                "{}/{}/$metadata#{}('{}')/deviceStatusOverview/$entity",
                sh.base_url,
                req.api.name(),
                coll.context(),
                id
            )
            .into();
            Reply::json(200, &v)
        }
        ("POST", [id, "scheduleActionsForRules"]) if coll == Coll::CompliancePolicies => {
            writes::schedule_actions(store, req, id)
        }
        _ => no_route(m, &req.path),
    }
}

/// Whether `id` exists, has replicated, and is visible through this API version.
fn visible_in(store: &Store, coll: Coll, id: &str, api: Api, now: Instant) -> bool {
    store
        .coll(coll)
        .get(id)
        .is_some_and(|e| e.visible(now) && shown_in(coll, e, api))
}

/// v1.0 lists omit objects whose type exists only in beta (email profiles).
fn shown_in(coll: Coll, entry: &Entry, api: Api) -> bool {
    api == Api::Beta
        || !matches!(coll, Coll::CompliancePolicies | Coll::Configurations)
        || entry.odata_type.as_deref().is_none_or(schema::in_v1)
}

pub fn intune_not_found(id: &str) -> Reply {
    Reply::error(
        404,
        "ResourceNotFound",
        format!("Resource not found for the key '{id}'."),
    )
}

fn not_found_for(coll: Coll, id: &str) -> Reply {
    match crate::app::service_of(&segments_of(coll)) {
        Service::Directory => directory_not_found(id),
        _ => intune_not_found(id),
    }
}

fn segments_of(coll: Coll) -> Vec<&'static str> {
    coll.context().split('/').collect()
}

/// A user by id or userPrincipalName.
pub fn user_id(store: &Store, key: &str) -> Option<String> {
    let users = store.coll(Coll::Users);
    if let Some(e) = users.get(key) {
        return Some(e.id.to_string());
    }
    if !key.contains('@') {
        return None;
    }
    let f = Filter::Eq("userPrincipalName".into(), key.into());
    users
        .live()
        .find(|e| f.matches(&store.text(e)))
        .map(|e| e.id.to_string())
}

fn context(sh: &Shared, req: &Request, coll: Coll, q: &Query, entity: bool) -> String {
    let select = q
        .select()
        .map(|s| format!("({})", s.join(",")))
        .unwrap_or_default();
    format!(
        "{}/{}/$metadata#{}{select}{}",
        sh.base_url,
        req.api.name(),
        coll.context(),
        if entity { "/$entity" } else { "" }
    )
}

fn render<'a>(store: &'a Store, coll: Coll, q: &Query) -> Result<Render<'a>, Reply> {
    let expand = q.expand();
    for name in &expand {
        if !coll.extras().contains(&name.as_str()) && !coll.inline_navs().contains(&name.as_str()) {
            return Err(bad_request(format!(
                "Could not find a property named '{name}' on type '{}'.",
                entity_type(coll)
            )));
        }
    }
    Ok(Render {
        select: q.select(),
        expand,
        all_keys: &store.coll(coll).keys,
        odata_type: None,
        inline_navs: coll.inline_navs(),
        covers: Default::default(),
    })
}

fn entity_type(coll: Coll) -> &'static str {
    match coll {
        Coll::Organization => "microsoft.graph.organization",
        Coll::SubscribedSkus => "microsoft.graph.subscribedSku",
        Coll::Users => "microsoft.graph.user",
        Coll::Groups => "microsoft.graph.group",
        Coll::Devices => "microsoft.graph.device",
        Coll::ManagedDevices => "microsoft.graph.managedDevice",
        Coll::CompliancePolicies => "microsoft.graph.deviceCompliancePolicy",
        Coll::Configurations => "microsoft.graph.deviceConfiguration",
        Coll::ConfigurationPolicies => "microsoft.graph.deviceManagementConfigurationPolicy",
        Coll::CaPolicies => "microsoft.graph.conditionalAccessPolicy",
    }
}

/// One object by id.
pub fn get_one(
    sh: &Shared,
    store: &Store,
    coll: Coll,
    req: &Request,
    q: &Query,
    id: &str,
    now: Instant,
) -> Reply {
    let entry = match store.coll(coll).get(id) {
        Some(e) if e.visible(now) && shown_in(coll, e, req.api) => e,
        _ => return not_found_for(coll, id),
    };
    let r = match render(store, coll, q) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut item = String::new();
    r.item(entry, &store.text(entry), &mut item);
    let ctx = serde_json::to_string(&context(sh, req, coll, q, true)).unwrap_or_default();
    let body = if item.len() > 2 {
        format!("{{\"@odata.context\":{ctx},{}", &item[1..])
    } else {
        format!("{{\"@odata.context\":{ctx}}}")
    };
    Reply::raw(200, body)
}

/// A page of a collection, with `@odata.nextLink` when more remain.
fn list(
    sh: &Shared,
    store: &Store,
    coll: Coll,
    req: &Request,
    q: &Query,
    paging: Paging,
    now: Instant,
) -> Reply {
    let (size, has_top) =
        match odata::page_size(q, paging, sh.config.page_size.filter(|_| !paging.unpaged)) {
            Ok(s) => s,
            Err(e) => return e,
        };
    let r = match render(store, coll, q) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let filter = match q.get("$filter") {
        Some(f) => match Filter::parse(f) {
            Ok(f) => Some(f),
            Err(e) => return e,
        },
        None => None,
    };
    let start = match q.get("$skiptoken") {
        Some(t) => match odata::parse_skiptoken(t) {
            Some(p) => p,
            None => return bad_request(format!("Invalid $skiptoken '{t}'.")),
        },
        None => 0,
    };
    let entries = &store.coll(coll).entries;
    let keep = |e: &Entry| {
        e.visible(now)
            && shown_in(coll, e, req.api)
            && filter.as_ref().is_none_or(|f| f.matches(&store.text(e)))
    };
    let mut pos = start;
    let mut picked: Vec<&Entry> = Vec::with_capacity(size.min(1000));
    while pos < entries.len() && picked.len() < size {
        if let Some(e) = &entries[pos] {
            if keep(e) {
                picked.push(e);
            }
        }
        pos += 1;
    }
    // A page of snapshot-backed objects lies in one file, mostly contiguous: one read.
    let block = store.block(&picked);
    let more = entries[pos.min(entries.len())..].iter().flatten().any(keep);
    // The stored bytes bound the projected items: the body is allocated once.
    let estimate = block.as_ref().map_or(picked.len() * 512, |b| b.byte_len());
    let mut body = String::with_capacity(1024 + estimate);
    body.push_str("{\"@odata.context\":");
    body.push_str(&serde_json::to_string(&context(sh, req, coll, q, false)).unwrap_or_default());
    if start == 0
        && q.get("$count")
            .is_some_and(|c| c.eq_ignore_ascii_case("true"))
    {
        let total = entries.iter().flatten().filter(|e| keep(e)).count();
        body.push_str(&format!(",\"@odata.count\":{total}"));
    }
    let drop_link = paging.top_drops_next_link && has_top;
    if more && !paging.unpaged && !drop_link {
        body.push_str(",\"@odata.nextLink\":");
        body.push_str(&serde_json::to_string(&next_link(sh, req, q, pos)).unwrap_or_default());
    }
    body.push_str(",\"value\":[");
    for (i, e) in picked.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        match block.as_ref().and_then(|b| b.text(e)) {
            Some(text) => r.item(e, text, &mut body),
            None => r.item(e, &store.text(e), &mut body),
        }
    }
    body.push_str("]}");
    Reply::raw(200, body)
}

fn next_link(sh: &Shared, req: &Request, q: &Query, pos: usize) -> String {
    let rest = q.raw_without_skiptoken();
    let sep = if rest.is_empty() { "" } else { "&" };
    format!(
        "{}/{}/{}?{rest}{sep}$skiptoken={}",
        sh.base_url,
        req.api.name(),
        crate::util::percent_encode(&req.path),
        odata::skiptoken(pos)
    )
}

/// `groups/{id}/members` (direct) or `transitiveMembers`, optionally cast to one type.
#[allow(clippy::too_many_arguments)]
fn members(
    sh: &Shared,
    store: &Store,
    req: &Request,
    q: &Query,
    gid: &str,
    transitive: bool,
    cast: Option<&str>,
    now: Instant,
) -> Reply {
    let group = match store.coll(Coll::Groups).get(gid) {
        Some(g) if g.visible(now) => g,
        _ => return directory_not_found(gid),
    };
    let gid = group.id.to_string();
    let cast_kind = match cast {
        None => None,
        Some(c) => match Kind::from_odata_type(c) {
            Some(k) => Some(k),
            None => return bad_request(format!("Resource not found for the segment '{c}'.")),
        },
    };
    let (size, _) = match odata::page_size(q, odata::DIRECTORY, sh.config.page_size) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let start = match q.get("$skiptoken").map(odata::parse_skiptoken) {
        Some(Some(p)) => p,
        Some(None) => return bad_request("Invalid $skiptoken."),
        None => 0,
    };
    // Direct members are borrowed (a page never copies the group); transitive ones are
    // computed per request.
    let list: std::borrow::Cow<[(Box<str>, Kind)]> = if transitive {
        std::borrow::Cow::Owned(store.transitive_members(&gid))
    } else {
        match store.members.get(gid.as_str()) {
            Some(m) => std::borrow::Cow::Borrowed(m.order.as_slice()),
            None => std::borrow::Cow::Owned(Vec::new()),
        }
    };
    let select = q.select();
    let id_only = select
        .as_ref()
        .is_some_and(|s| !s.is_empty() && s.iter().all(|p| p.eq_ignore_ascii_case("id")));
    let keep = |(id, kind): &(Box<str>, Kind)| {
        cast_kind.is_none_or(|k| k == *kind)
            && kind
                .coll()
                .and_then(|c| store.coll(c).get(id))
                .is_none_or(|e| e.visible(now))
    };
    let mut items = String::new();
    let mut count = 0;
    let mut pos = start;
    while pos < list.len() && count < size {
        let m = &list[pos];
        pos += 1;
        if !keep(m) {
            continue;
        }
        if count > 0 {
            items.push(',');
        }
        count += 1;
        let (id, kind) = m;
        if id_only {
            // `$select=id` (how collect reads members): the index answers, no object is read.
            let entry = kind.coll().and_then(|c| store.coll(c).get(id));
            let odata_type = entry
                .and_then(|e| e.odata_type.as_deref())
                .unwrap_or(kind.odata_type());
            let id = entry.map_or(id.as_ref(), |e| e.id.as_ref());
            items.push_str("{\"@odata.type\":");
            items.push_str(&serde_json::to_string(odata_type).unwrap_or_default());
            items.push_str(",\"id\":");
            items.push_str(&serde_json::to_string(id).unwrap_or_default());
            items.push('}');
            continue;
        }
        let entry = kind
            .coll()
            .and_then(|c| store.coll(c).get(id).map(|e| (c, e)));
        match entry {
            Some((c, e)) => Render {
                select: select.clone(),
                expand: Vec::new(),
                all_keys: &store.coll(c).keys,
                odata_type: Some(kind.odata_type()),
                inline_navs: c.inline_navs(),
                covers: Default::default(),
            }
            .item(e, &store.text(e), &mut items),
            None => items.push_str(
                &serde_json::json!({"@odata.type": kind.odata_type(), "id": id.as_ref()})
                    .to_string(),
            ),
        }
    }
    let more = list[pos.min(list.len())..].iter().any(keep);
    let mut body = format!(
        "{{\"@odata.context\":{}",
        serde_json::to_string(&format!(
            "{}/{}/$metadata#directoryObjects",
            sh.base_url,
            req.api.name()
        ))
        .unwrap_or_default()
    );
    if more {
        body.push_str(",\"@odata.nextLink\":");
        body.push_str(&serde_json::to_string(&next_link(sh, req, q, pos)).unwrap_or_default());
    }
    body.push_str(",\"value\":[");
    body.push_str(&items);
    body.push_str("]}");
    Reply::raw(200, body)
}

/// The permissions (any one of) a route needs, and Graph's 403 when the token has none.
fn authorize(caller: &Caller, req: &Request, seg: &[&str]) -> Result<(), Reply> {
    let read = req.method == "GET";
    let first = seg.first().copied().unwrap_or("");
    let (needed, service): (Vec<&str>, Service) = match seg {
        ["deviceManagement", "managedDevices", ..] => (
            if read {
                vec![
                    "DeviceManagementManagedDevices.Read.All",
                    "DeviceManagementManagedDevices.ReadWrite.All",
                ]
            } else {
                vec!["DeviceManagementManagedDevices.ReadWrite.All"]
            },
            Service::IntuneDevices,
        ),
        ["deviceManagement", ..] => (
            if read {
                vec![
                    "DeviceManagementConfiguration.Read.All",
                    "DeviceManagementConfiguration.ReadWrite.All",
                ]
            } else {
                vec!["DeviceManagementConfiguration.ReadWrite.All"]
            },
            Service::IntuneConfiguration,
        ),
        ["policies", "identitySecurityDefaultsEnforcementPolicy"] => (
            if read {
                vec!["Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"]
            } else {
                vec!["Policy.ReadWrite.SecurityDefaults"]
            },
            Service::Directory,
        ),
        ["identity", ..] => (
            if read {
                vec!["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"]
            } else {
                vec!["Policy.ReadWrite.ConditionalAccess"]
            },
            Service::ConditionalAccess,
        ),
        [_, _, "assignLicense"] => (
            vec![
                "LicenseAssignment.ReadWrite.All",
                "User.ReadWrite.All",
                "Group.ReadWrite.All",
                "Directory.ReadWrite.All",
            ],
            Service::Directory,
        ),
        ["users", ..] => (
            with_directory(read, &["User.Read.All", "User.ReadWrite.All"]),
            Service::Directory,
        ),
        ["devices", ..] => (
            with_directory(read, &["Device.Read.All", "Device.ReadWrite.All"]),
            Service::Directory,
        ),
        ["organization", ..] | ["subscribedSkus", ..] => (
            with_directory(
                read,
                &["Organization.Read.All", "Organization.ReadWrite.All"],
            ),
            Service::Directory,
        ),
        ["groups", _, "members", ..] if !read => (
            vec![
                "GroupMember.ReadWrite.All",
                "Group.ReadWrite.All",
                "Directory.ReadWrite.All",
            ],
            Service::Directory,
        ),
        ["groups"] if req.method == "POST" => (
            vec![
                "Group.Create",
                "Group.ReadWrite.All",
                "Directory.ReadWrite.All",
            ],
            Service::Directory,
        ),
        _ if first.starts_with("servicePrincipals(") => (
            with_directory(read, &["Application.Read.All", "Application.ReadWrite.All"]),
            Service::Directory,
        ),
        _ if first.starts_with("groups(") => (
            vec![
                "Group.Create",
                "Group.ReadWrite.All",
                "Directory.ReadWrite.All",
            ],
            Service::Directory,
        ),
        ["groups", ..] => (
            with_directory(
                read,
                &[
                    "GroupMember.Read.All",
                    "GroupMember.ReadBasic.All",
                    "Group.Read.All",
                    "Group.ReadWrite.All",
                    "GroupMember.ReadWrite.All",
                ],
            ),
            Service::Directory,
        ),
        _ => (
            with_directory(read, &["Directory.Read.All"]),
            Service::Directory,
        ),
    };
    if needed
        .iter()
        .any(|n| caller.roles.iter().any(|r| r.eq_ignore_ascii_case(n)))
    {
        return Ok(());
    }
    Err(match service {
        Service::Directory => Reply::error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
        Service::ConditionalAccess => Reply::error(403, "AccessDenied", "You cannot perform the requested operation, required scopes are missing in the token."),
        _ => Reply::error(403, "Forbidden", format!("Application is not authorized to perform this operation. Application must have one of the following scopes: {}", needed.join(", "))),
    })
}

fn with_directory(read: bool, own: &[&'static str]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = if read {
        own.to_vec()
    } else {
        own.iter()
            .copied()
            .filter(|r| r.contains("ReadWrite"))
            .collect()
    };
    v.extend(if read {
        READ_DIRECTORY
    } else {
        &READ_DIRECTORY[1..]
    });
    v
}
