//! What every check shares, computed once per assessment (`Ctx`: the tenant, the stages'
//! results, BMS-managed devices per user), and the helpers that turn indexes into borrowed
//! [`Subject`]s and build sorted, counted [`Finding`]s; also the `not-assessed` finding and the
//! wording helpers the checks use.

use super::vocabulary::{policy_subject, Code, Finding, Subject, SubjectId, SubjectKind};
use crate::config::AssessConfig;
use crate::devices::{is_bms_device, DevicesByUser};
use crate::licensing::Licensing;
use crate::membership::Membership;
use crate::targets::BmsTargets;
use bms2intune_model::order::{rank_by_name, NameOrder};
use bms2intune_model::{
    BmsPolicy, Directory, GroupIx, ManagedDeviceIx, Part, SkuIx, Tenant, UserIx,
};
use std::borrow::Cow;

pub(super) fn not_assessed(code: Code, missing: Vec<String>) -> Finding<'static> {
    Finding {
        code: Code::NotAssessed,
        severity: Code::NotAssessed.severity(),
        title: format!("Not assessed: {code}"),
        detail: format!(
            "{code} ({}) needs {} in the snapshot.",
            code.title(),
            missing.join(", ")
        ),
        count: 0,
        subjects: Vec::new(),
        subjects_omitted: 0,
        remediation: format!(
            "Export {} with the Graph requests in docs/snapshot.md and run the assessment again.",
            missing.join(", ")
        ),
        proposed_groups: Vec::new(),
        assessed_code: Some(code),
        missing,
    }
}

/// The snapshot file (or folder) of a Graph part.
pub(super) fn part_file(part: Part) -> String {
    match part {
        Part::GroupMembers => "graph/groupMembers/".to_string(),
        _ => format!("graph/{}.json", part.file_stem()),
    }
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Everything the checks share, computed once.
/// `'t`: the tenant, which findings borrow names from; `'c`: the stages' other results.
pub(super) struct Ctx<'t, 'c> {
    pub(super) tenant: &'t Tenant,
    pub(super) dir: &'t Directory,
    pub(super) config: &'c AssessConfig,
    pub(super) membership: &'c Membership<'c>,
    pub(super) targets: &'c BmsTargets,
    pub(super) licensing: &'c Licensing,
    /// Managed devices per user (BMS-managed only), as sorted lists.
    pub(super) bms_devices_by_user: DevicesByUser,
}

impl<'t, 'c> Ctx<'t, 'c> {
    pub(super) fn new(
        tenant: &'t Tenant,
        config: &'c AssessConfig,
        membership: &'c Membership<'c>,
        targets: &'c BmsTargets,
        licensing: &'c Licensing,
    ) -> Ctx<'t, 'c> {
        let dir = &tenant.directory;
        let bms_devices_by_user = DevicesByUser::new(dir, |_, md| is_bms_device(dir, md));
        Ctx {
            tenant,
            dir,
            config,
            membership,
            targets,
            licensing,
            bms_devices_by_user,
        }
    }

    pub(super) fn has_part(&self, part: Part) -> bool {
        self.tenant.parts.contains(part)
            || (part == Part::GroupMembers && self.dir.groups().iter().any(|g| g.members_known))
    }

    pub(super) fn missing_files(&self, code: Code) -> Vec<String> {
        code.needs()
            .iter()
            .copied()
            .filter(|p| !self.has_part(*p))
            .map(part_file)
            .collect()
    }

    // ----- subjects -----

    pub(super) fn user(&self, u: UserIx) -> Subject<'t> {
        let user = &self.dir.users()[u.ix()];
        Subject {
            kind: SubjectKind::User,
            name: Cow::Borrowed(&user.user_principal_name),
            id: SubjectId::Guid(user.id),
            ix: Some(u.ix() as u32),
        }
    }

    pub(super) fn group(&self, g: GroupIx) -> Subject<'t> {
        let group = &self.dir.groups()[g.ix()];
        Subject {
            kind: SubjectKind::Group,
            name: Cow::Borrowed(&group.display_name),
            id: SubjectId::Guid(group.id),
            ix: None,
        }
    }

    pub(super) fn device(&self, d: ManagedDeviceIx) -> Subject<'t> {
        let md = &self.dir.managed_devices()[d.ix()];
        Subject {
            kind: SubjectKind::Device,
            name: Cow::Borrowed(&md.device_name),
            id: SubjectId::Guid(md.id),
            ix: Some(d.ix() as u32),
        }
    }

    pub(super) fn policy(&self, p: &'t BmsPolicy) -> Subject<'t> {
        policy_subject(&p.name, p.guid)
    }

    pub(super) fn sku(&self, s: SkuIx) -> Subject<'t> {
        let sku = &self.dir.skus()[s.ix()];
        Subject {
            kind: SubjectKind::Sku,
            name: Cow::Borrowed(&sku.part_number),
            id: SubjectId::Guid(sku.sku_id),
            ix: None,
        }
    }

    pub(super) fn finding(
        &self,
        code: Code,
        detail: String,
        mut subjects: Vec<Subject<'t>>,
        remediation: String,
    ) -> Finding<'t> {
        self.sort_subjects(&mut subjects);
        subjects.dedup();
        Finding {
            code,
            severity: code.severity(),
            title: code.title().to_string(),
            detail,
            count: subjects.len() as u64,
            subjects,
            subjects_omitted: 0,
            remediation,
            proposed_groups: Vec::new(),
            assessed_code: None,
            missing: Vec::new(),
        }
    }

    /// Sorts subjects in their `Ord` order (kind, name, ID). The large lists are ranked instead
    /// of compared string by string: users by the directory's UPN rank table (which the
    /// simulation needs too), other lists of one kind by `model::order::rank_by_name`. Same
    /// order, several times faster on a large tenant.
    pub(super) fn sort_subjects(&self, subjects: &mut Vec<Subject<'t>>) {
        let guid = |s: &Subject<'t>| match s.id {
            SubjectId::Guid(g) => Some(g),
            SubjectId::Text(_) => None,
        };
        let uniform = subjects.first().is_some_and(|first| {
            subjects
                .iter()
                .all(|s| s.kind == first.kind && guid(s).is_some())
        });
        if !uniform {
            subjects.sort_unstable();
            return;
        }
        if subjects[0].kind == SubjectKind::User && subjects.iter().all(|s| s.ix.is_some()) {
            // Users: the directory's rank table, which the simulation needs too.
            let rank = self.dir.user_rank(NameOrder::Exact);
            subjects.sort_by_cached_key(|s| s.ix.and_then(|u| rank.get(u as usize).copied()));
            return;
        }
        let rank = rank_by_name(
            subjects.len(),
            NameOrder::Exact,
            |i| &subjects[i].name,
            |i| guid(&subjects[i]).unwrap_or_default(),
        );
        let mut ranked: Vec<(u32, Subject<'t>)> =
            rank.iter().copied().zip(subjects.drain(..)).collect();
        ranked.sort_unstable_by_key(|(r, _)| *r);
        subjects.extend(ranked.into_iter().map(|(_, s)| s));
    }

    pub(super) fn policy_name(&self, p: usize) -> &str {
        &self.tenant.bms.policies[p].name
    }

    pub(super) fn in_scope_users(&self) -> impl Iterator<Item = UserIx> + '_ {
        self.targets.in_scope.iter().map(|u| UserIx(u as u32))
    }

    /// BMS-managed devices, in snapshot order.
    pub(super) fn bms_devices(
        &self,
    ) -> impl Iterator<Item = (ManagedDeviceIx, &bms2intune_model::ManagedDevice)> + '_ {
        self.dir
            .managed_devices()
            .iter()
            .enumerate()
            .filter(|(_, md)| is_bms_device(self.dir, md))
            .map(|(i, md)| (ManagedDeviceIx(i as u32), md))
    }
}
