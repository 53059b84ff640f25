//! Licences: `assignLicense` for a user (synchronous, needs `usageLocation`, takes a seat)
//! and for a group (202 Accepted; processed after a delay, when each member gets the
//! licence if a seat is free or an error otherwise, shown in `licenseProcessingState`,
//! `hasMembersWithLicenseErrors` and `membersWithLicenseErrors`). Seats are counted in
//! `subscribedSkus.consumedUnits` against `prepaidUnits.enabled`.

use crate::app::{Request, Shared};
use crate::reply::{directory_bad_request, directory_not_found, Reply};
use crate::store::{Coll, Kind, LicenseJob, Store};
use crate::util::{iso_utc, unix_now};
use serde_json::{json, Map, Value};
use std::time::Instant;

/// The parsed body: (skuId, disabledPlans) to add, skuIds to remove.
type Change = (Vec<(String, Vec<Value>)>, Vec<String>);

fn parse_body(req: &Request) -> Result<Change, Reply> {
    let body = req
        .body
        .as_ref()
        .and_then(Value::as_object)
        .ok_or_else(|| directory_bad_request("Empty Payload. JSON content expected."))?;
    let add = body.get("addLicenses").and_then(Value::as_array).ok_or_else(|| {
        directory_bad_request("The parameter 'addLicenses' is required and cannot be null (send [] when there is nothing to add).")
    })?;
    let remove = body.get("removeLicenses").and_then(Value::as_array).ok_or_else(|| {
        directory_bad_request("The parameter 'removeLicenses' is required and cannot be null (send [] when there is nothing to remove).")
    })?;
    let mut adds = Vec::new();
    for a in add {
        let sku = a
            .get("skuId")
            .and_then(Value::as_str)
            .filter(|s| crate::schema::is_guid(s))
            .ok_or_else(|| {
                directory_bad_request(
                    "Invalid value specified for property 'skuId' of resource 'AssignedLicense'.",
                )
            })?;
        let disabled = a
            .get("disabledPlans")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        adds.push((sku.to_ascii_lowercase(), disabled));
    }
    let removes = remove
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_ascii_lowercase)
        .collect();
    Ok((adds, removes))
}

/// The tenant's SKU with this id: (position in the collection's entries, object).
fn sku(store: &Store, sku_id: &str) -> Option<(String, Map<String, Value>)> {
    store.coll(Coll::SubscribedSkus).live().find_map(|e| {
        let v = store.value(e);
        let matches = v
            .get("skuId")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case(sku_id));
        matches.then(|| (e.id.to_string(), v))
    })
}

fn free_seats(sku: &Map<String, Value>) -> i64 {
    let enabled = sku
        .get("prepaidUnits")
        .and_then(|p| p.get("enabled"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    enabled
        - sku
            .get("consumedUnits")
            .and_then(Value::as_i64)
            .unwrap_or(0)
}

fn consume(store: &mut Store, sku_id: &str, delta: i64) {
    if let Some((id, mut v)) = sku(store, sku_id) {
        let used = v.get("consumedUnits").and_then(Value::as_i64).unwrap_or(0) + delta;
        v.insert("consumedUnits".into(), used.max(0).into());
        if let Some(e) = store.coll_mut(Coll::SubscribedSkus).get_mut(&id) {
            e.set_value(&v);
        }
    }
}

/// Gives `user` the SKU (replacing its disabled plans if it holds it) and the SKU's plans.
fn grant(
    user: &mut Map<String, Value>,
    sku_id: &str,
    disabled: &[Value],
    sku: &Map<String, Value>,
) -> bool {
    let licenses = user.entry("assignedLicenses").or_insert_with(|| json!([]));
    let list = licenses.as_array_mut().expect("array");
    let held = list.iter().position(|l| {
        l.get("skuId")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case(sku_id))
    });
    let new = json!({"disabledPlans": disabled, "skuId": sku_id});
    let was_new = held.is_none();
    match held {
        Some(i) => list[i] = new,
        None => list.push(new),
    }
    let plans = user.entry("assignedPlans").or_insert_with(|| json!([]));
    let plans = plans.as_array_mut().expect("array");
    for p in sku
        .get("servicePlans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(pid) = p.get("servicePlanId").and_then(Value::as_str) else {
            continue;
        };
        let disabled_here = disabled
            .iter()
            .any(|d| d.as_str().is_some_and(|d| d.eq_ignore_ascii_case(pid)));
        let status = if disabled_here { "Deleted" } else { "Enabled" };
        let name = p
            .get("servicePlanName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let service = if name.starts_with("INTUNE_") {
            "SCO"
        } else {
            name
        };
        match plans.iter_mut().find(|x| x.get("servicePlanId").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(pid))) {
            Some(x) => x["capabilityStatus"] = status.into(),
            None if !disabled_here => plans.push(json!({"assignedDateTime": iso_utc(unix_now()), "capabilityStatus": status, "service": service, "servicePlanId": pid})),
            None => {}
        }
    }
    was_new
}

/// Takes the SKU away; its plans become `Deleted`.
fn revoke(user: &mut Map<String, Value>, sku_id: &str, sku: Option<&Map<String, Value>>) -> bool {
    let Some(list) = user
        .get_mut("assignedLicenses")
        .and_then(Value::as_array_mut)
    else {
        return false;
    };
    let before = list.len();
    list.retain(|l| {
        !l.get("skuId")
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case(sku_id))
    });
    let removed = list.len() != before;
    if removed {
        let ids: Vec<String> = sku
            .and_then(|s| s.get("servicePlans"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                p.get("servicePlanId")
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
            })
            .collect();
        for p in user
            .get_mut("assignedPlans")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if p.get("servicePlanId")
                .and_then(Value::as_str)
                .is_some_and(|x| ids.contains(&x.to_ascii_lowercase()))
            {
                p["capabilityStatus"] = "Deleted".into();
            }
        }
    }
    removed
}

/// `POST /users/{id}/assignLicense`: 200 with the user.
pub fn assign_user(_sh: &Shared, store: &mut Store, req: &Request, key: &str) -> Reply {
    let Some(uid) = crate::api::user_id(store, key) else {
        return directory_not_found(key);
    };
    let (adds, removes) = match parse_body(req) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let Some(mut user) = store.value_of(Coll::Users, &uid) else {
        return directory_not_found(key);
    };
    if !adds.is_empty()
        && user
            .get("usageLocation")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    {
        return directory_bad_request(
            "License assignment cannot be done for user with invalid usage location.",
        );
    }
    let holds = |u: &Map<String, Value>, s: &str| {
        u.get("assignedLicenses")
            .and_then(Value::as_array)
            .is_some_and(|l| {
                l.iter().any(|x| {
                    x.get("skuId")
                        .and_then(Value::as_str)
                        .is_some_and(|x| x.eq_ignore_ascii_case(s))
                })
            })
    };
    for (s, _) in &adds {
        let Some((_, sku)) = sku(store, s) else {
            return directory_bad_request(format!(
                "License {s} does not correspond to a valid company License."
            ));
        };
        if !holds(&user, s) && free_seats(&sku) < 1 {
            return directory_bad_request(format!(
                "Subscription with SKU {s} does not have any available licenses."
            ));
        }
    }
    for s in &removes {
        if !holds(&user, s) {
            return directory_bad_request(format!(
                "User does not have a corresponding license {s}."
            ));
        }
    }
    for (s, disabled) in &adds {
        let (_, sku_obj) = sku(store, s).expect("checked");
        if grant(&mut user, s, disabled, &sku_obj) {
            consume(store, s, 1);
        }
    }
    for s in &removes {
        let sku_obj = sku(store, s).map(|x| x.1);
        if revoke(&mut user, s, sku_obj.as_ref()) {
            consume(store, s, -1);
        }
    }
    let users = store.coll_mut(Coll::Users);
    if let Some(entry) = users.get_mut(&uid) {
        entry.set_value(&user);
    }
    users.note_map_keys(&user);
    Reply::json(200, &Value::Object(user))
}

/// `POST /groups/{id}/assignLicense`: 202 with the group; members are licensed later.
pub fn assign_group(
    sh: &Shared,
    store: &mut Store,
    req: &Request,
    gid: &str,
    now: Instant,
) -> Reply {
    let gid = match store.coll(Coll::Groups).get(gid) {
        Some(e) if e.visible(now) => e.id.to_string(),
        _ => return directory_not_found(gid),
    };
    let (adds, removes) = match parse_body(req) {
        Ok(c) => c,
        Err(e) => return e,
    };
    for (s, _) in &adds {
        if sku(store, s).is_none() {
            return directory_bad_request(format!(
                "License {s} does not correspond to a valid company License."
            ));
        }
    }
    let Some(mut group) = store.value_of(Coll::Groups, &gid) else {
        return directory_not_found(&gid);
    };
    let mut list: Vec<Value> = group
        .get("assignedLicenses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (s, disabled) in &adds {
        list.retain(|l| {
            !l.get("skuId")
                .and_then(Value::as_str)
                .is_some_and(|x| x.eq_ignore_ascii_case(s))
        });
        list.push(json!({"disabledPlans": disabled, "skuId": s}));
    }
    list.retain(|l| {
        !l.get("skuId")
            .and_then(Value::as_str)
            .is_some_and(|x| removes.iter().any(|r| r.eq_ignore_ascii_case(x)))
    });
    group.insert("assignedLicenses".into(), Value::Array(list));
    group.insert(
        "licenseProcessingState".into(),
        json!({"state": "QueuedForProcessing"}),
    );
    let groups = store.coll_mut(Coll::Groups);
    if let Some(entry) = groups.get_mut(&gid) {
        entry.set_value(&group);
    }
    groups.note_map_keys(&group);
    store.license_jobs.retain(|j| j.group_id != gid);
    store.license_jobs.push(LicenseJob {
        group_id: gid,
        due: now + sh.config.license_processing,
    });
    Reply::json(202, &Value::Object(group))
}

/// Re-queues a licensed group whose membership changed (Graph reprocesses it).
pub fn members_changed(store: &mut Store, gid: &str, now: Instant) {
    let licensed = store
        .coll(Coll::Groups)
        .get(gid)
        .is_some_and(|g| store.text(g).contains("\"licenseProcessingState\""));
    if licensed && !store.license_jobs.iter().any(|j| j.group_id == gid) {
        store.license_jobs.push(LicenseJob {
            group_id: gid.to_string(),
            due: now,
        });
    }
}

/// Processes every group licence job that is due.
pub fn process_due(store: &mut Store, now: Instant) {
    if store.license_jobs.is_empty() {
        return;
    }
    let (due, later): (Vec<LicenseJob>, Vec<LicenseJob>) =
        store.license_jobs.drain(..).partition(|j| j.due <= now);
    store.license_jobs = later;
    for job in due {
        process_group(store, &job.group_id);
    }
}

/// Takes back what a group's licence gave users who are no longer covered by it: members
/// who left, SKUs the group lost, or every grant of a deleted group. Each such user loses
/// the group's `licenseAssignmentStates` entry, and the SKU too when the group gave it (a
/// licence the user held directly stays); the seat is freed.
fn withdraw(store: &mut Store, gid: &str, members: &[Box<str>], licenses: &[(String, Vec<Value>)]) {
    let covered = |uid: &str, sku: &str| {
        members.iter().any(|m| m.as_ref() == uid)
            && licenses.iter().any(|(s, _)| s.eq_ignore_ascii_case(sku))
    };
    let stale: Vec<(Box<str>, String)> = store
        .group_grants
        .iter()
        .filter(|(g, u, s)| g.as_ref() == gid && !covered(u, s))
        .map(|(_, u, s)| (u.clone(), s.clone()))
        .collect();
    for (uid, s) in &stale {
        store
            .group_grants
            .remove(&(Box::from(gid), uid.clone(), s.clone()));
        let Some(mut user) = store.value_of(Coll::Users, uid) else {
            continue;
        };
        let sku_obj = sku(store, s).map(|(_, v)| v);
        if revoke(&mut user, s, sku_obj.as_ref()) {
            consume(store, s, -1);
        }
        if let Some(e) = store.coll_mut(Coll::Users).get_mut(uid) {
            e.set_value(&user);
        }
    }
    // Every user's entry from this group that no longer applies goes.
    let holders: Vec<Box<str>> = store
        .coll(Coll::Users)
        .live()
        .filter(|e| {
            let text = store.text(e);
            text.contains("\"assignedByGroup\"") && text.contains(gid)
        })
        .map(|e| e.id.clone())
        .collect();
    for uid in holders {
        let Some(mut user) = store.value_of(Coll::Users, &uid) else {
            continue;
        };
        let Some(states) = user
            .get_mut("licenseAssignmentStates")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        let before = states.len();
        states.retain(|st| {
            st.get("assignedByGroup").and_then(Value::as_str) != Some(gid)
                || st
                    .get("skuId")
                    .and_then(Value::as_str)
                    .is_some_and(|s| covered(&uid, s))
        });
        if states.len() == before {
            continue;
        }
        if states.is_empty() {
            user.remove("licenseAssignmentStates");
        }
        if let Some(e) = store.coll_mut(Coll::Users).get_mut(&uid) {
            e.set_value(&user);
        }
    }
}

fn process_group(store: &mut Store, gid: &str) {
    let Some(group) = store.value_of(Coll::Groups, gid) else {
        withdraw(store, gid, &[], &[]);
        return;
    };
    let licenses: Vec<(String, Vec<Value>)> = group
        .get("assignedLicenses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some((
                l.get("skuId")?.as_str()?.to_ascii_lowercase(),
                l.get("disabledPlans")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            ))
        })
        .collect();
    let users: Vec<Box<str>> = store
        .transitive_members(gid)
        .into_iter()
        .filter(|(_, k)| *k == Kind::User)
        .map(|(id, _)| id)
        .collect();
    withdraw(store, gid, &users, &licenses);
    let mut errors: Vec<Value> = Vec::new();
    for uid in users {
        let Some(mut user) = store.value_of(Coll::Users, &uid) else {
            continue;
        };
        let mut states: Vec<Value> = user
            .get("licenseAssignmentStates")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (s, disabled) in &licenses {
            states.retain(|st| {
                !(st.get("assignedByGroup").and_then(Value::as_str) == Some(gid)
                    && st
                        .get("skuId")
                        .and_then(Value::as_str)
                        .is_some_and(|x| x.eq_ignore_ascii_case(s)))
            });
            let holds = user
                .get("assignedLicenses")
                .and_then(Value::as_array)
                .is_some_and(|l| {
                    l.iter().any(|x| {
                        x.get("skuId")
                            .and_then(Value::as_str)
                            .is_some_and(|x| x.eq_ignore_ascii_case(s))
                    })
                });
            let Some((_, sku_obj)) = sku(store, s) else {
                continue;
            };
            let (state, error) = if holds {
                ("Active", "None")
            } else if free_seats(&sku_obj) >= 1 {
                grant(&mut user, s, disabled, &sku_obj);
                consume(store, s, 1);
                store
                    .group_grants
                    .insert((Box::from(gid), uid.clone(), s.clone()));
                ("Active", "None")
            } else {
                errors.push(json!({"@odata.type": "#microsoft.graph.user", "id": uid.as_ref()}));
                ("Error", "CountViolation")
            };
            states.push(json!({"assignedByGroup": gid, "disabledPlans": disabled, "error": error, "lastUpdatedDateTime": iso_utc(unix_now()), "skuId": s, "state": state}));
        }
        if states.is_empty() {
            // A user no licence was ever assigned to has no such member at all.
            user.remove("licenseAssignmentStates");
        } else {
            user.insert("licenseAssignmentStates".into(), Value::Array(states));
        }
        let users = store.coll_mut(Coll::Users);
        if let Some(e) = users.get_mut(&uid) {
            e.set_value(&user);
        }
    }
    let mut group = group;
    group.insert(
        "hasMembersWithLicenseErrors".into(),
        (!errors.is_empty()).into(),
    );
    group.insert(
        "licenseProcessingState".into(),
        json!({"state": "ProcessingComplete"}),
    );
    let groups = store.coll_mut(Coll::Groups);
    if let Some(e) = groups.get_mut(gid) {
        e.set_value(&group);
        e.set_extra("membersWithLicenseErrors", Value::Array(errors));
    }
    let keys: Vec<Box<str>> = ["licenseAssignmentStates"]
        .into_iter()
        .map(Into::into)
        .collect();
    for k in keys {
        store.coll_mut(Coll::Users).keys.insert(k);
    }
    store
        .coll_mut(Coll::Groups)
        .keys
        .insert("hasMembersWithLicenseErrors".into());
}

/// `GET /groups/{id}/membersWithLicenseErrors`.
pub fn members_with_errors(sh: &Shared, store: &Store, req: &Request, gid: &str) -> Reply {
    match store.coll(Coll::Groups).get(gid) {
        Some(g) => Reply::json(
            200,
            &json!({
                "@odata.context": format!("{}/{}/$metadata#directoryObjects", sh.base_url, req.api.name()),
                "value": g.extra("membersWithLicenseErrors").cloned().unwrap_or_else(|| json!([])),
            }),
        ),
        None => directory_not_found(gid),
    }
}
