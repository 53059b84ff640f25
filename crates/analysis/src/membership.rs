//! Transitive group membership over the directory's dense indexes. This module owns the
//! question "who is in this group, counting nested groups": the users, the Entra devices and,
//! through them, the Intune/BMS managed devices of any group or set of groups.
//!
//! Groups form a directed graph (group → member groups) that may contain cycles. A query walks
//! it with an iterative depth-first search that stamps every group it visits with the query's
//! epoch, so each reachable group and each membership edge is looked at once: O(edges) per
//! query, with no recursion, no clearing of visit marks and no strings. Results are either
//! sorted index lists, memoised per group on first use (`users_of`, `entra_devices_of`), or
//! [`BitSet`]s over all users or devices (`users_in_any`, …) for set algebra across many
//! groups. Index lists in the directory that point past the end of a collection are ignored.

use crate::bitset::BitSet;
use bms2intune_model::{Directory, EntraDeviceIx, GroupIx, ManagedDeviceIx, UserIx};
use std::cell::{OnceCell, RefCell};

/// Transitive membership of every group of one [`Directory`].
pub struct Membership<'d> {
    dir: &'d Directory,
    /// Managed devices per Entra device, as compressed rows: the devices of Entra device `e`
    /// are `managed_list[managed_start[e]..managed_start[e + 1]]`.
    managed_start: Vec<u32>,
    managed_list: Vec<ManagedDeviceIx>,
    users_memo: Vec<OnceCell<Box<[UserIx]>>>,
    devices_memo: Vec<OnceCell<Box<[EntraDeviceIx]>>>,
    walk: RefCell<Walk>,
}

/// Reusable state of the depth-first walk.
#[derive(Default)]
struct Walk {
    /// The epoch in which each group was last visited.
    stamp: Vec<u32>,
    epoch: u32,
    stack: Vec<u32>,
}

/// What a walk found: whether every reachable group's members are known and resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completeness {
    /// Every reachable group had a member list in the snapshot.
    pub members_known: bool,
    /// Some reachable group had members that matched nothing in the snapshot.
    pub unresolved_members: bool,
}

impl<'d> Membership<'d> {
    /// Prepares membership queries over `dir`. Costs O(groups + managed devices).
    pub fn new(dir: &'d Directory) -> Membership<'d> {
        let entra = dir.entra_devices().len();
        let mut counts = vec![0u32; entra + 1];
        for md in dir.managed_devices() {
            if let Some(e) = md.entra_device.filter(|e| e.ix() < entra) {
                counts[e.ix() + 1] += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let managed_start = counts.clone();
        let mut fill = counts;
        let mut managed_list = vec![ManagedDeviceIx(0); managed_start[entra] as usize];
        for (i, md) in dir.managed_devices().iter().enumerate() {
            if let Some(e) = md.entra_device.filter(|e| e.ix() < entra) {
                managed_list[fill[e.ix()] as usize] = ManagedDeviceIx(i as u32);
                fill[e.ix()] += 1;
            }
        }
        let groups = dir.groups().len();
        Membership {
            dir,
            managed_start,
            managed_list,
            users_memo: (0..groups).map(|_| OnceCell::new()).collect(),
            devices_memo: (0..groups).map(|_| OnceCell::new()).collect(),
            walk: RefCell::new(Walk {
                stamp: vec![0; groups],
                epoch: 0,
                stack: Vec::new(),
            }),
        }
    }

    /// The directory this was built over.
    pub fn directory(&self) -> &'d Directory {
        self.dir
    }

    /// Calls `visit` once for every group reachable from `roots` (the roots included), following
    /// member groups transitively. Cycles and repeated roots are visited once.
    pub fn for_each_reachable(&self, roots: &[GroupIx], mut visit: impl FnMut(GroupIx)) {
        let groups = &self.dir.groups();
        // Taken out (not borrowed) so that `visit` may itself query this `Membership`: a nested
        // query then starts from a fresh walk instead of failing on a borrowed one.
        let mut walk = self.walk.take();
        if walk.stamp.len() != groups.len() {
            walk = Walk {
                stamp: vec![0; groups.len()],
                epoch: 0,
                stack: Vec::new(),
            };
        }
        walk.epoch = walk.epoch.wrapping_add(1);
        if walk.epoch == 0 {
            // After 2^32 queries the stamps wrap: start over from a clean slate.
            walk.stamp.iter_mut().for_each(|s| *s = 0);
            walk.epoch = 1;
        }
        let epoch = walk.epoch;
        walk.stack.clear();
        for root in roots {
            if root.ix() < groups.len() && walk.stamp[root.ix()] != epoch {
                walk.stamp[root.ix()] = epoch;
                walk.stack.push(root.0);
            }
        }
        while let Some(g) = walk.stack.pop() {
            visit(GroupIx(g));
            for child in &groups[g as usize].member_groups {
                if child.ix() < groups.len() && walk.stamp[child.ix()] != epoch {
                    walk.stamp[child.ix()] = epoch;
                    walk.stack.push(child.0);
                }
            }
        }
        self.walk.replace(walk);
    }

    /// The transitive user members of `group`, ascending and without duplicates (memoised).
    pub fn users_of(&self, group: GroupIx) -> &[UserIx] {
        let Some(cell) = self.users_memo.get(group.ix()) else {
            return &[];
        };
        cell.get_or_init(|| {
            let users = self.dir.users().len();
            let mut list = Vec::new();
            self.for_each_reachable(&[group], |g| {
                list.extend(
                    self.dir.groups()[g.ix()]
                        .member_users
                        .iter()
                        .filter(|u| u.ix() < users),
                );
            });
            list.sort_unstable();
            list.dedup();
            list.into_boxed_slice()
        })
    }

    /// The transitive Entra device members of `group`, ascending and without duplicates
    /// (memoised).
    pub fn entra_devices_of(&self, group: GroupIx) -> &[EntraDeviceIx] {
        let Some(cell) = self.devices_memo.get(group.ix()) else {
            return &[];
        };
        cell.get_or_init(|| {
            let devices = self.dir.entra_devices().len();
            let mut list = Vec::new();
            self.for_each_reachable(&[group], |g| {
                list.extend(
                    self.dir.groups()[g.ix()]
                        .member_devices
                        .iter()
                        .filter(|d| d.ix() < devices),
                );
            });
            list.sort_unstable();
            list.dedup();
            list.into_boxed_slice()
        })
    }

    /// The managed devices joined to an Entra device (usually zero or one).
    pub fn managed_devices_of_entra(&self, device: EntraDeviceIx) -> &[ManagedDeviceIx] {
        let (Some(&start), Some(&end)) = (
            self.managed_start.get(device.ix()),
            self.managed_start.get(device.ix() + 1),
        ) else {
            return &[];
        };
        &self.managed_list[start as usize..end as usize]
    }

    /// The managed devices that are transitive members of `group` through their Entra device,
    /// ascending.
    pub fn managed_devices_of(&self, group: GroupIx) -> Vec<ManagedDeviceIx> {
        let mut list: Vec<ManagedDeviceIx> = self
            .entra_devices_of(group)
            .iter()
            .flat_map(|&e| self.managed_devices_of_entra(e).iter().copied())
            .collect();
        list.sort_unstable();
        list.dedup();
        list
    }

    /// Every user that is a transitive member of at least one of `groups`, as a bitset over
    /// `Directory::users`. One walk for all groups: O(reachable edges + users / 64).
    pub fn users_in_any(&self, groups: &[GroupIx]) -> BitSet {
        let mut set = BitSet::new(self.dir.users().len());
        self.for_each_reachable(groups, |g| {
            for u in &self.dir.groups()[g.ix()].member_users {
                set.insert(u.ix());
            }
        });
        set
    }

    /// Every Entra device that is a transitive member of at least one of `groups`.
    pub fn entra_devices_in_any(&self, groups: &[GroupIx]) -> BitSet {
        let mut set = BitSet::new(self.dir.entra_devices().len());
        self.for_each_reachable(groups, |g| {
            for d in &self.dir.groups()[g.ix()].member_devices {
                set.insert(d.ix());
            }
        });
        set
    }

    /// Every managed device whose Entra device is a transitive member of at least one of
    /// `groups`, as a bitset over `Directory::managed_devices`.
    pub fn managed_devices_in_any(&self, groups: &[GroupIx]) -> BitSet {
        let mut set = BitSet::new(self.dir.managed_devices().len());
        for e in self.entra_devices_in_any(groups).iter() {
            for md in self.managed_devices_of_entra(EntraDeviceIx(e as u32)) {
                set.insert(md.ix());
            }
        }
        set
    }

    /// Whether the member lists under `group` (transitively) were all exported and resolved.
    pub fn completeness(&self, group: GroupIx) -> Completeness {
        let mut c = Completeness {
            members_known: group.ix() < self.dir.groups().len(),
            unresolved_members: false,
        };
        self.for_each_reachable(&[group], |g| {
            let g = &self.dir.groups()[g.ix()];
            c.members_known &= g.members_known;
            c.unresolved_members |= g.unresolved_members > 0;
        });
        c
    }

    /// True when `group` is known to have no user and no device, however deep one looks: every
    /// member list under it was exported, none named an unknown object, and none holds a user
    /// or a device.
    pub fn is_known_empty(&self, group: GroupIx) -> bool {
        let c = self.completeness(group);
        c.members_known
            && !c.unresolved_members
            && self.users_of(group).is_empty()
            && self.entra_devices_of(group).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::TenantBuilder;
    use proptest::prelude::*;
    use std::collections::{BTreeSet, VecDeque};

    fn ixs(users: &[UserIx]) -> Vec<u32> {
        users.iter().map(|u| u.0).collect()
    }

    #[test]
    fn nesting_three_deep() {
        let mut t = TenantBuilder::new();
        let (a, b, c, d) = (t.user("a"), t.user("b"), t.user("c"), t.user("d"));
        let top = t.group("top", &[a], &[]);
        let mid = t.group("mid", &[b], &[]);
        let low = t.group("low", &[c], &[]);
        let bottom = t.group("bottom", &[d, c], &[]);
        t.nest(top, mid);
        t.nest(mid, low);
        t.nest(low, bottom);
        let tenant = t.build();
        let m = Membership::new(&tenant.directory);
        assert_eq!(ixs(m.users_of(top)), vec![a.0, b.0, c.0, d.0]);
        assert_eq!(ixs(m.users_of(mid)), vec![b.0, c.0, d.0]);
        assert_eq!(ixs(m.users_of(bottom)), vec![c.0, d.0]);
        assert_eq!(
            m.users_in_any(&[low, mid]).iter().collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert!(
            m.users_of(GroupIx(999)).is_empty(),
            "out of range is empty, not a panic"
        );
    }

    #[test]
    fn cycles_are_tolerated() {
        let mut t = TenantBuilder::new();
        let (a, b, c) = (t.user("a"), t.user("b"), t.user("c"));
        let g1 = t.group("g1", &[a], &[]);
        let g2 = t.group("g2", &[b], &[]);
        let g3 = t.group("g3", &[c], &[]);
        t.nest(g1, g2);
        t.nest(g2, g3);
        t.nest(g3, g1);
        t.nest(g2, g2);
        let tenant = t.build();
        let m = Membership::new(&tenant.directory);
        for g in [g1, g2, g3] {
            assert_eq!(ixs(m.users_of(g)), vec![a.0, b.0, c.0]);
        }
        let mut visited = Vec::new();
        m.for_each_reachable(&[g1, g1, g2], |g| visited.push(g));
        visited.sort();
        assert_eq!(visited, vec![g1, g2, g3]);
    }

    #[test]
    fn device_groups_reach_managed_devices() {
        let mut t = TenantBuilder::new();
        let u = t.user("owner");
        let e1 = t.entra_device("PHONE-1");
        let e2 = t.entra_device("PHONE-2");
        let e3 = t.entra_device("PC-3");
        let m1 = t.managed(
            crate::testkit::Dev::ios("PHONE-1", "18.1")
                .entra(e1)
                .user(u),
        );
        let _m2 = t.managed(crate::testkit::Dev::android("PHONE-2", "14").entra(e2));
        let outer = t.group_with_devices("outer", &[e1]);
        let inner = t.group_with_devices("inner", &[e2]);
        t.nest(outer, inner);
        let _other = t.group_with_devices("other", &[e3]);
        let tenant = t.build();
        let m = Membership::new(&tenant.directory);
        assert_eq!(m.entra_devices_of(outer), &[e1, e2]);
        assert_eq!(m.managed_devices_of(outer), vec![m1, ManagedDeviceIx(1)]);
        assert_eq!(
            m.managed_devices_in_any(&[inner])
                .iter()
                .collect::<Vec<_>>(),
            vec![1]
        );
        assert!(m.users_of(outer).is_empty());
        assert!(!m.is_known_empty(outer));
    }

    #[test]
    fn emptiness_needs_known_members() {
        let mut t = TenantBuilder::new();
        let empty = t.group("empty", &[], &[]);
        let unknown = t.group("unknown", &[], &[]);
        let parent = t.group("parent", &[], &[]);
        t.nest(parent, unknown);
        let mut tenant = t.build();
        tenant
            .directory
            .update_group(unknown, |g| g.members_known = false);
        let m = Membership::new(&tenant.directory);
        assert!(m.is_known_empty(empty));
        assert!(!m.is_known_empty(unknown));
        assert!(
            !m.is_known_empty(parent),
            "a nested group with unknown members is not provably empty"
        );
    }

    /// Naive breadth-first expansion with a hash-free visited list, for comparison.
    fn naive_users(dir: &Directory, root: usize) -> BTreeSet<u32> {
        let mut seen = vec![false; dir.groups().len()];
        let mut queue = VecDeque::from([root]);
        seen[root] = true;
        let mut users = BTreeSet::new();
        while let Some(g) = queue.pop_front() {
            users.extend(dir.groups()[g].member_users.iter().map(|u| u.0));
            for c in &dir.groups()[g].member_groups {
                if !seen[c.ix()] {
                    seen[c.ix()] = true;
                    queue.push_back(c.ix());
                }
            }
        }
        users
    }

    proptest! {
        #[test]
        fn matches_naive_bfs(
            groups in 1usize..25,
            users in 0usize..40,
            edges in proptest::collection::vec((0usize..25, 0usize..25), 0..80),
            members in proptest::collection::vec((0usize..25, 0usize..40), 0..120),
        ) {
            let mut t = TenantBuilder::new();
            let us: Vec<UserIx> = (0..users).map(|i| t.user(&format!("u{i}"))).collect();
            let gs: Vec<GroupIx> = (0..groups).map(|i| t.group(&format!("g{i}"), &[], &[])).collect();
            for (a, b) in edges {
                t.nest(gs[a % groups], gs[b % groups]);
            }
            if users > 0 {
                for (g, u) in members {
                    t.add_member(gs[g % groups], us[u % users]);
                }
            }
            let tenant = t.build();
            let m = Membership::new(&tenant.directory);
            for g in 0..groups {
                let expected = naive_users(&tenant.directory, g);
                let got: BTreeSet<u32> = m.users_of(GroupIx(g as u32)).iter().map(|u| u.0).collect();
                prop_assert_eq!(&got, &expected);
                let bits: BTreeSet<u32> = m.users_in_any(&[GroupIx(g as u32)]).iter().map(|u| u as u32).collect();
                prop_assert_eq!(&bits, &expected);
            }
            // A union query equals the union of single queries.
            let roots: Vec<GroupIx> = gs.iter().copied().step_by(2).collect();
            let mut union = BTreeSet::new();
            for r in &roots {
                union.extend(naive_users(&tenant.directory, r.ix()));
            }
            let got: BTreeSet<u32> = m.users_in_any(&roots).iter().map(|u| u as u32).collect();
            prop_assert_eq!(got, union);
        }
    }
}
