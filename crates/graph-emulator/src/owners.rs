//! Group owners: `owners@odata.bind` on `POST /groups` and the `uniqueName` upsert (URLs
//! `…/directoryObjects/{id}`, `…/users/{id}` or `…/servicePrincipals/{id}`; a user of the
//! directory or a service principal the emulator serves, such as the calling app's own), and
//! `GET /groups/{id}/owners`. An owner already present is kept, not refused, so repeating an
//! upsert changes nothing (the upsert is idempotent by key).

use crate::app::{Request, Shared};
use crate::odata::Query;
use crate::principals;
use crate::reply::{directory_bad_request, directory_not_found, Reply};
use crate::store::{Kind, OwnerKind, Store};
use serde_json::{Map, Value};
use std::time::Instant;

/// The owners an `owners@odata.bind` value names, without repeats; Graph's 400 for a URL of
/// another shape or an object that cannot own a group, 404 for an id nobody has.
pub fn resolve(
    sh: &Shared,
    store: &Store,
    value: &Value,
    now: Instant,
) -> Result<Vec<(Box<str>, OwnerKind)>, Reply> {
    let urls: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut owners: Vec<(Box<str>, OwnerKind)> = Vec::new();
    for url in urls {
        let mut segments = url.trim_end_matches('/').rsplit('/');
        let (Some(id), Some(set)) = (segments.next(), segments.next()) else {
            return Err(bad_url());
        };
        if !url.starts_with("https://") || id.is_empty() {
            return Err(bad_url());
        }
        let kind = match set {
            "directoryObjects" | "users" | "servicePrincipals" => owner_kind(sh, store, id, now)?,
            _ => return Err(bad_url()),
        };
        match (set, kind) {
            ("users", OwnerKind::ServicePrincipal)
            | ("servicePrincipals", OwnerKind::Directory(_)) => {
                return Err(directory_not_found(id))
            }
            _ => {}
        }
        if !owners.iter().any(|(o, _)| o.as_ref() == id) {
            owners.push((id.into(), kind));
        }
    }
    Ok(owners)
}

fn bad_url() -> Reply {
    directory_bad_request("Invalid URL format specified in @odata.bind for owners")
}

fn owner_kind(sh: &Shared, store: &Store, id: &str, now: Instant) -> Result<OwnerKind, Reply> {
    let visible = |k: Kind| {
        k.coll()
            .and_then(|c| store.coll(c).get(id))
            .is_some_and(|e| e.visible(now))
    };
    match store.kind_of(id).filter(|k| visible(*k)) {
        Some(Kind::User) => Ok(OwnerKind::Directory(Kind::User)),
        Some(_) => Err(directory_bad_request(
            "Unsupported referenced-object resource identifier for link property 'owners'.",
        )),
        None if principals::by_object_id(sh, id).is_some() => Ok(OwnerKind::ServicePrincipal),
        None => Err(directory_not_found(id)),
    }
}

/// Adds `owners` to group `gid`, keeping those it already has.
pub fn add(store: &mut Store, gid: &str, owners: Vec<(Box<str>, OwnerKind)>) {
    let list = store.owners.entry(gid.into()).or_default();
    for (id, kind) in owners {
        if !list.iter().any(|(o, _)| *o == id) {
            list.push((id, kind));
        }
    }
}

/// `GET /groups/{id}/owners`: each owner with its `@odata.type`, `$select` applied (owners are
/// few: one page).
pub fn list(
    sh: &Shared,
    store: &Store,
    req: &Request,
    q: &Query,
    gid: &str,
    now: Instant,
) -> Reply {
    let Some(group) = store
        .coll(crate::store::Coll::Groups)
        .get(gid)
        .filter(|e| e.visible(now))
    else {
        return directory_not_found(gid);
    };
    let select = q.select();
    let mut value = Vec::new();
    for (id, kind) in store.owners.get(group.id.as_ref()).into_iter().flatten() {
        let (odata_type, mut object) = match kind {
            OwnerKind::Directory(k) => (
                k.odata_type(),
                k.coll()
                    .and_then(|c| store.value_of(c, id))
                    .unwrap_or_default(),
            ),
            OwnerKind::ServicePrincipal => (
                "#microsoft.graph.servicePrincipal",
                principals::by_object_id(sh, id).unwrap_or_default(),
            ),
        };
        if let Some(select) = &select {
            object.retain(|k, _| k == "id" || select.iter().any(|s| s.eq_ignore_ascii_case(k)));
        }
        let mut out = Map::new();
        out.insert("@odata.type".into(), odata_type.into());
        out.insert("id".into(), id.as_ref().into());
        out.extend(object);
        value.push(Value::Object(out));
    }
    Reply::json(
        200,
        &serde_json::json!({
            "@odata.context": format!("{}/{}/$metadata#directoryObjects", sh.base_url, req.api.name()),
            "value": value,
        }),
    )
}
