//! Writes `graph/`: the organization, licences, users, groups, their direct members, Entra and
//! managed devices, as compact Graph JSON (what `GET` returns), the large collections as folders
//! of pages of 999 objects with `@odata.nextLink` on all but the last.

use crate::catalog::{self, FLOW_FREE, INTUNE_O365, SKUS};
use crate::json::{iso, push_guid_raw, push_str, Obj};
use crate::rng::Rng;
use crate::tenant::{self, DeviceDef, TenantPlan, UserDef, CORPORATE_DEVICES, MISC_STREAM};
use crate::Sink;

/// Graph's largest page size for directory objects.
pub const PAGE: usize = 999;
const GRAPH: &str = "https://graph.microsoft.com/v1.0";

const USERS_SELECT: &str =
    "id,displayName,userPrincipalName,mail,accountEnabled,usageLocation,assignedLicenses,assignedPlans";
const GROUPS_SELECT: &str = "id,displayName,groupTypes,securityEnabled,mailEnabled,membershipRule";

/// How the pages of a collection are named and linked.
struct Paged<'a> {
    /// File name of page `p` (0-based).
    name: &'a dyn Fn(usize) -> String,
    context: &'a str,
    /// The request URL; `nextLink` adds `$skiptoken`.
    request: &'a str,
    /// Distinguishes the skip tokens of different collections.
    token_stream: u64,
}

fn skiptoken(seed: u64, stream: u64, page: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = Rng::new(seed, MISC_STREAM | (stream << 24) | page as u64);
    (0..96)
        .map(|_| char::from(CHARS[rng.index(CHARS.len())]))
        .collect()
}

/// Writes `total` items (at least one page, maybe empty), calling `item(i, buffer)` for each.
fn write_pages<E>(
    plan: &TenantPlan,
    sink: &mut Sink<E>,
    paged: &Paged,
    total: usize,
    mut item: impl FnMut(usize, &mut Vec<u8>),
) -> Result<(), E> {
    let pages = total.div_ceil(PAGE).max(1);
    let mut buf = Vec::with_capacity(1 << 20);
    for p in 0..pages {
        buf.clear();
        buf.extend_from_slice(b"{\"@odata.context\":");
        push_str(&mut buf, paged.context);
        if p + 1 < pages {
            buf.extend_from_slice(b",\"@odata.nextLink\":");
            let sep = if paged.request.contains('?') {
                '&'
            } else {
                '?'
            };
            let link = format!(
                "{}{sep}$top={PAGE}&$skiptoken={}",
                paged.request,
                skiptoken(plan.options.seed, paged.token_stream, p)
            );
            push_str(&mut buf, &link);
        }
        buf.extend_from_slice(b",\"value\":[");
        let end = ((p + 1) * PAGE).min(total);
        for i in p * PAGE..end {
            if i > p * PAGE {
                buf.push(b',');
            }
            item(i, &mut buf);
        }
        buf.extend_from_slice(b"]}");
        sink.file(&(paged.name)(p), &buf)?;
    }
    Ok(())
}

fn folder_page(dir: &str) -> impl Fn(usize) -> String + '_ {
    move |p| format!("graph/{dir}/page-{:04}.json", p + 1)
}

pub fn write<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<(), E> {
    organization(plan, sink)?;
    let consumed = users(plan, sink)?;
    skus(plan, sink, &consumed)?;
    groups(plan, sink)?;
    let (corporate, managed) = devices(plan, sink)?;
    managed_devices(plan, sink, &managed)?;
    group_members(plan, sink, &corporate)?;
    Ok(())
}

fn organization<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<(), E> {
    let mut buf = Vec::new();
    buf.extend_from_slice(b"{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#organization\",\"value\":[");
    let mut o = Obj::begin(&mut buf);
    o.guid("id", plan.tenant_id)
        .null("deletedDateTime")
        .raw("businessPhones", "[\"+1 425 555 0199\"]")
        .str("city", "Redmond")
        .null("country")
        .str("countryLetterCode", "US")
        .str("createdDateTime", &iso(tenant::NOW - 2400 * 86_400))
        .null("defaultUsageLocation")
        .str("displayName", "Northwind Traders (synthetic)")
        .raw("marketingNotificationEmails", "[]")
        .null("onPremisesLastSyncDateTime")
        .null("onPremisesSyncEnabled")
        .str("postalCode", "98052")
        .str("preferredLanguage", "en")
        .str("state", "WA")
        .str("street", "1 Northwind Way")
        .raw(
            "technicalNotificationMails",
            "[\"it-alerts@northwind.example\"]",
        )
        .str("tenantType", "AAD");
    let domains = format!(
        "[{{\"capabilities\":\"Email, OfficeCommunicationsOnline\",\"isDefault\":true,\"isInitial\":false,\"name\":\"{}\",\"type\":\"Managed\"}},{{\"capabilities\":\"Email, OfficeCommunicationsOnline\",\"isDefault\":false,\"isInitial\":true,\"name\":\"{}\",\"type\":\"Managed\"}}]",
        tenant::DOMAIN,
        tenant::INITIAL_DOMAIN
    );
    o.raw("verifiedDomains", &domains);
    o.end();
    buf.extend_from_slice(b"]}");
    sink.file("graph/organization.json", &buf)
}

fn user_json(u: &UserDef, buf: &mut Vec<u8>, seen: &mut Vec<u128>) {
    let mut o = Obj::begin(buf);
    o.guid("id", u.id)
        .str("displayName", &u.display)
        .str("userPrincipalName", &u.upn)
        .opt_str("mail", u.mail.as_deref())
        .bool("accountEnabled", u.enabled)
        .opt_str("usageLocation", u.location);
    let out = o.key("assignedLicenses");
    out.push(b'[');
    let extra = u.flow_free.then_some(catalog::LicenseDef {
        sku: FLOW_FREE,
        disabled: &[],
    });
    for (n, l) in u.licenses.iter().chain(extra.iter()).enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"disabledPlans\":[");
        for (k, p) in l.disabled.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.push(b'"');
            push_guid_raw(out, p.id);
            out.push(b'"');
        }
        out.extend_from_slice(b"],\"skuId\":\"");
        push_guid_raw(out, l.sku.id);
        out.extend_from_slice(b"\"}");
    }
    out.push(b']');
    let intune = u.has_intune();
    let assigned = iso(u.assigned);
    let out = o.key("assignedPlans");
    out.push(b'[');
    seen.clear();
    let mut first = true;
    for l in u.licenses.iter().chain(extra.iter()) {
        for p in l.sku.plans {
            if l.disabled.iter().any(|d| d.id == p.id) || seen.contains(&p.id) {
                continue;
            }
            seen.push(p.id);
            if !first {
                out.push(b',');
            }
            first = false;
            let status = if p.id == INTUNE_O365.id && intune {
                "Deleted"
            } else {
                "Enabled"
            };
            let mut a = Obj::begin(out);
            a.str("assignedDateTime", &assigned)
                .str("capabilityStatus", status)
                .str("service", p.service)
                .guid("servicePlanId", p.id);
            a.end();
        }
    }
    out.push(b']');
    o.end();
}

/// Writes the users; returns how many users hold each SKU of [`SKUS`].
fn users<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<Vec<i64>, E> {
    let mut consumed = vec![0i64; SKUS.len()];
    let mut seen = Vec::new();
    let name = folder_page("users");
    let context = format!("{GRAPH}/$metadata#users({USERS_SELECT})");
    let request = format!("{GRAPH}/users?$select={USERS_SELECT}");
    let paged = Paged {
        name: &name,
        context: &context,
        request: &request,
        token_stream: 1,
    };
    let total = plan.user_count() as usize;
    write_pages(plan, sink, &paged, total, |i, buf| {
        let u = plan.user(i as u32);
        for l in u.licenses {
            consumed[catalog::sku_index(&l.sku)] += 1;
        }
        if u.flow_free {
            consumed[catalog::sku_index(&FLOW_FREE)] += 1;
        }
        user_json(&u, buf, &mut seen);
    })?;
    sink.summary.users = total as u64;
    Ok(consumed)
}

fn skus<E>(plan: &TenantPlan, sink: &mut Sink<E>, consumed: &[i64]) -> Result<(), E> {
    let mut rng = Rng::new(plan.options.seed, MISC_STREAM | 0x5);
    let mut buf = Vec::new();
    buf.extend_from_slice(
        b"{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#subscribedSkus\",\"value\":[",
    );
    for (n, sku) in SKUS.iter().enumerate() {
        if n > 0 {
            buf.push(b',');
        }
        let used = consumed[n];
        let enabled = match sku.fixed_seats {
            Some(seats) => seats.max(used),
            None if sku.free_per_mille == 0 => used,
            None => used + (used * sku.free_per_mille as i64 / 1000).max(2),
        };
        let mut o = Obj::begin(&mut buf);
        o.str("accountName", "Northwind Traders")
            .guid("accountId", plan.tenant_id)
            .str("appliesTo", "User")
            .str("capabilityStatus", "Enabled")
            .int("consumedUnits", used)
            .str(
                "id",
                &format!(
                    "{}_{}",
                    crate::json::guid_text(plan.tenant_id),
                    crate::json::guid_text(sku.id)
                ),
            )
            .guid("skuId", sku.id)
            .str("skuPartNumber", sku.part_number);
        let subscription = rng.guid();
        let out = o.key("subscriptionIds");
        out.extend_from_slice(b"[\"");
        push_guid_raw(out, subscription);
        out.extend_from_slice(b"\"]");
        o.raw(
            "prepaidUnits",
            &format!("{{\"enabled\":{enabled},\"suspended\":0,\"warning\":0,\"lockedOut\":0}}"),
        );
        let out = o.key("servicePlans");
        out.push(b'[');
        for (k, p) in sku.plans.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let mut s = Obj::begin(out);
            s.guid("servicePlanId", p.id)
                .str("servicePlanName", p.name)
                .str("provisioningStatus", "Success")
                .str(
                    "appliesTo",
                    if p.id == catalog::EXCHANGE_S_FOUNDATION.id && sku.id == FLOW_FREE.id {
                        "Company"
                    } else {
                        "User"
                    },
                );
            s.end();
        }
        out.push(b']');
        o.end();
    }
    buf.extend_from_slice(b"]}");
    sink.file("graph/subscribedSkus.json", &buf)
}

fn groups<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<(), E> {
    let name = folder_page("groups");
    let context = format!("{GRAPH}/$metadata#groups({GROUPS_SELECT})");
    let request = format!("{GRAPH}/groups?$select={GROUPS_SELECT}");
    let paged = Paged {
        name: &name,
        context: &context,
        request: &request,
        token_stream: 2,
    };
    write_pages(plan, sink, &paged, plan.groups.len(), |i, buf| {
        let g = &plan.groups[i];
        let types = if g.unified {
            "[\"Unified\"]"
        } else if g.rule.is_some() {
            "[\"DynamicMembership\"]"
        } else {
            "[]"
        };
        let mut o = Obj::begin(buf);
        o.guid("id", g.id)
            .str("displayName", &g.name)
            .raw("groupTypes", types)
            .bool("securityEnabled", g.security)
            .bool("mailEnabled", g.mail)
            .opt_str("membershipRule", g.rule);
        o.end();
    })?;
    sink.summary.groups = plan.groups.len() as u64;
    Ok(())
}

fn entra_json(d: &DeviceDef, buf: &mut Vec<u8>) {
    let mut o = Obj::begin(buf);
    o.guid("id", d.object_id)
        .null("deletedDateTime")
        .bool("accountEnabled", true)
        .str("approximateLastSignInDateTime", &iso(d.last_sync - 3600))
        .null("complianceExpirationDateTime")
        .null("deviceCategory")
        .guid("deviceId", d.device_id)
        .null("deviceMetadata")
        .str(
            "deviceOwnership",
            if d.owner_type == "company" {
                "Company"
            } else {
                "Personal"
            },
        )
        .int("deviceVersion", 2)
        .str("displayName", &d.name)
        .null("enrollmentProfileName")
        .null("enrollmentType")
        .bool(
            "isCompliant",
            d.managed && d.agent != "eas" && d.compliance == "compliant",
        )
        .bool("isManaged", d.managed && d.agent != "eas");
    if d.mdm_app.is_some() {
        o.str("managementType", "MDM");
    } else {
        o.null("managementType");
    }
    o.bool("isRooted", false)
        .str("manufacturer", d.manufacturer);
    match d.mdm_app {
        Some(app) => o.guid("mdmAppId", app),
        None => o.null("mdmAppId"),
    };
    o.str("model", d.model)
        .null("onPremisesLastSyncDateTime")
        .null("onPremisesSecurityIdentifier")
        .null("onPremisesSyncEnabled")
        .str("operatingSystem", d.entra_os)
        .str("operatingSystemVersion", d.version)
        .raw("physicalIds", "[]")
        .str("profileType", "RegisteredDevice")
        .str("registrationDateTime", &iso(d.enrolled - 120))
        .raw("systemLabels", "[]")
        .str("trustType", d.trust);
    let out = o.key("alternativeSecurityIds");
    out.extend_from_slice(b"[{\"type\":2,\"identityProvider\":null,\"key\":\"WAA1ADAAOQA6AD");
    out.extend_from_slice(d.serial.as_bytes());
    out.extend_from_slice(d.mac.as_bytes());
    out.extend_from_slice(b"==\"}]");
    o.end();
}

/// Writes the Entra devices; returns the object IDs of the company-owned userless devices
/// (the members of "Corporate Devices") and the indexes of the devices that are managed.
fn devices<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<(Vec<u128>, Vec<u32>), E> {
    let mut corporate = Vec::new();
    let mut managed = Vec::new();
    let name = folder_page("devices");
    let context = format!("{GRAPH}/$metadata#devices");
    let request = format!("{GRAPH}/devices");
    let paged = Paged {
        name: &name,
        context: &context,
        request: &request,
        token_stream: 3,
    };
    write_pages(plan, sink, &paged, plan.devices as usize, |k, buf| {
        let d = plan.device(k as u32);
        if d.owner.is_none() && d.owner_type == "company" && d.agent == "mdm" {
            corporate.push(d.object_id);
        }
        if d.managed {
            managed.push(k as u32);
        }
        entra_json(&d, buf);
    })?;
    sink.summary.entra_devices = u64::from(plan.devices);
    Ok((corporate, managed))
}

fn managed_json(plan: &TenantPlan, d: &DeviceDef, buf: &mut Vec<u8>) {
    let user = d.owner.map(|i| plan.user(i));
    let upn = user.as_ref().map_or("", |u| u.upn.as_str());
    let mut o = Obj::begin(buf);
    o.guid("id", d.managed_id);
    match &user {
        Some(u) => o.guid("userId", u.id),
        None => o.str("userId", ""),
    };
    let android = d.os == "Android";
    o.str("deviceName", &d.name)
        .str("managedDeviceOwnerType", d.owner_type)
        .str("enrolledDateTime", &iso(d.enrolled))
        .str("lastSyncDateTime", &iso(d.last_sync))
        .str("operatingSystem", d.os)
        .str("complianceState", d.compliance)
        .str(
            "jailBroken",
            if d.agent == "eas" { "Unknown" } else { "False" },
        )
        .str("managementAgent", d.agent)
        .str("osVersion", d.version)
        .bool("easActivated", d.owner.is_some())
        .str(
            "easDeviceId",
            if d.owner.is_some() { &d.serial } else { "" },
        )
        .str("easActivationDateTime", "0001-01-01T00:00:00Z")
        .bool("azureADRegistered", true)
        .str("deviceEnrollmentType", d.enrollment)
        .null("activationLockBypassCode")
        .str(
            "emailAddress",
            user.as_ref().and_then(|u| u.mail.as_deref()).unwrap_or(""),
        )
        .guid("azureADDeviceId", d.device_id)
        .str("deviceRegistrationState", "registered")
        .str("deviceCategoryDisplayName", "Unknown category")
        .bool("isSupervised", d.supervised)
        .str(
            "exchangeLastSuccessfulSyncDateTime",
            &iso(d.last_sync - 420),
        )
        .str(
            "exchangeAccessState",
            if d.compliance == "noncompliant" {
                "blocked"
            } else {
                "allowed"
            },
        )
        .str(
            "exchangeAccessStateReason",
            if d.compliance == "noncompliant" {
                "notCompliant"
            } else {
                "compliant"
            },
        )
        .null("remoteAssistanceSessionUrl")
        .null("remoteAssistanceSessionErrorDetails")
        .bool("isEncrypted", d.encrypted)
        .str("userPrincipalName", upn)
        .str("model", d.model)
        .str("manufacturer", d.manufacturer)
        .str("imei", &d.imei)
        .str(
            "complianceGracePeriodExpirationDateTime",
            "9999-12-31T23:59:59Z",
        )
        .str("serialNumber", &d.serial)
        .str("phoneNumber", "")
        .str(
            "androidSecurityPatchLevel",
            if android { "2025-06-01" } else { "" },
        )
        .str(
            "userDisplayName",
            user.as_ref().map_or("", |u| u.display.as_str()),
        )
        .null("configurationManagerClientEnabledFeatures")
        .str("wiFiMacAddress", &d.mac)
        .null("deviceHealthAttestationState")
        .str("subscriberCarrier", "")
        .str("meid", "")
        .int("totalStorageSpaceInBytes", 137_438_953_472)
        .int("freeStorageSpaceInBytes", 46_170_898_432);
    let local = upn.split('@').next().unwrap_or("").replace('.', "");
    o.str(
        "managedDeviceName",
        &format!(
            "{local}_{}_{}",
            d.os.replace(' ', ""),
            &iso(d.enrolled)[..10]
        ),
    )
    .str("partnerReportedThreatState", "unknown")
    .null("requireUserEnrollmentApproval")
    .str(
        "managementCertificateExpirationDate",
        &iso(d.enrolled + 365 * 86_400),
    )
    .null("iccid")
    .null("udid")
    .null("notes")
    .null("ethernetMacAddress")
    .int("physicalMemoryInBytes", 0)
    .raw("deviceActionResults", "[]");
    o.end();
}

fn managed_devices<E>(plan: &TenantPlan, sink: &mut Sink<E>, managed: &[u32]) -> Result<(), E> {
    let name = folder_page("managedDevices");
    let context = format!("{GRAPH}/$metadata#deviceManagement/managedDevices");
    let request = format!("{GRAPH}/deviceManagement/managedDevices");
    let paged = Paged {
        name: &name,
        context: &context,
        request: &request,
        token_stream: 4,
    };
    let mut bms = 0u64;
    write_pages(plan, sink, &paged, managed.len(), |i, buf| {
        let d = plan.device(managed[i]);
        if d.agent == "microsoft365ManagedMdm" {
            bms += 1;
        }
        managed_json(plan, &d, buf);
    })?;
    sink.summary.managed_devices = managed.len() as u64;
    sink.summary.bms_managed_devices = bms;
    Ok(())
}

fn group_members<E>(plan: &TenantPlan, sink: &mut Sink<E>, corporate: &[u128]) -> Result<(), E> {
    let context = format!("{GRAPH}/$metadata#directoryObjects(id)");
    let mut edges = 0u64;
    for (g, group) in plan.groups.iter().enumerate() {
        let m = &group.members;
        let devices: &[u128] = if g == CORPORATE_DEVICES {
            corporate
        } else {
            &[]
        };
        let total = m.len() + devices.len();
        edges += total as u64;
        let id = crate::json::guid_text(group.id);
        let name = |p: usize| {
            if p == 0 {
                format!("graph/groupMembers/{id}.json")
            } else {
                format!("graph/groupMembers/{id}.{}.json", p + 1)
            }
        };
        let request = format!("{GRAPH}/groups/{id}/members?$select=id");
        let paged = Paged {
            name: &name,
            context: &context,
            request: &request,
            token_stream: 5 + g as u64,
        };
        // Groups first, then users, devices and other objects (Graph's order is arbitrary).
        let (ng, nu, nd) = (m.groups.len(), m.users.len(), devices.len());
        write_pages(plan, sink, &paged, total, |i, buf| {
            let (kind, id) = if i < ng {
                (
                    "#microsoft.graph.group",
                    plan.groups[m.groups[i] as usize].id,
                )
            } else if i < ng + nu {
                (
                    "#microsoft.graph.user",
                    plan.user_ids[m.users[i - ng] as usize],
                )
            } else if i < ng + nu + nd {
                ("#microsoft.graph.device", devices[i - ng - nu])
            } else {
                m.others[i - ng - nu - nd]
            };
            let mut o = Obj::begin(buf);
            o.str("@odata.type", kind).guid("id", id);
            o.end();
        })?;
    }
    sink.summary.member_edges = edges;
    Ok(())
}
