//! A scale smoke test (ignored by default; run in release):
//! `cargo test --release -p bms2intune-analysis --test scale -- --ignored --nocapture`.
//! A million users in 20,000 nested groups with cycles, a few BMS policies, full assessment.

use bms2intune_analysis::{assess, AssessConfig, Membership};
use bms2intune_model::{
    BmsPolicy, BmsRule, Group, GroupIx, Guid, Part, PolicyKind, RuleSettings, Tenant, User, UserIx,
};
use std::time::Instant;

#[test]
#[ignore]
fn million_users() {
    const USERS: u32 = 1_000_000;
    const GROUPS: u32 = 20_000;
    let started = Instant::now();
    let mut tenant = Tenant::default();
    let dir = &mut tenant.directory;
    for i in 0..USERS {
        let _ = dir.add_user(User {
            id: Guid(i as u128 + 1),
            user_principal_name: format!("u{i}@contoso.test").into(),
            display_name: "".into(),
            account_enabled: true,
            usage_location: None,
            licenses: Box::new([]),
            plans: Box::new([]),
        });
    }
    // Each user is a direct member of two groups; groups nest in a tree with back edges.
    let mut groups: Vec<Group> = (0..GROUPS)
        .map(|g| Group {
            id: Guid((1u128 << 64) + g as u128),
            display_name: format!("g{g}").into(),
            security_enabled: true,
            members_known: true,
            ..Group::default()
        })
        .collect();
    for u in 0..USERS {
        groups[(u % GROUPS) as usize].member_users.push(UserIx(u));
        groups[((u / 7) % GROUPS) as usize]
            .member_users
            .push(UserIx(u));
    }
    for g in 1..GROUPS {
        groups[((g - 1) / 4) as usize]
            .member_groups
            .push(GroupIx(g));
        if g % 97 == 0 {
            groups[g as usize].member_groups.push(GroupIx(g / 2)); // cycles
        }
    }
    for g in groups {
        let _ = dir.add_group(g);
    }
    for part in Part::ALL {
        tenant.parts.insert(part);
    }
    for (i, g) in [0u32, 1, 5, 17, 300].iter().enumerate() {
        tenant.bms.policies.push(BmsPolicy {
            name: format!("P{i}"),
            kind: PolicyKind::Block,
            guid: None,
            comment: None,
            enabled: Some(true),
            mode: Default::default(),
            priority: Some(i as i64),
            when_changed: None,
            rule: Some(BmsRule {
                name: format!("P{i}"),
                policy_guid: None,
                mode: Default::default(),
                target_groups: vec![Guid((1u128 << 64) + *g as u128)],
                settings: RuleSettings::new(),
                source: bms2intune_model::bms::Source {
                    file: String::new(),
                    index: i,
                },
            }),
            source: bms2intune_model::bms::Source {
                file: String::new(),
                index: i,
            },
        });
    }
    println!("built in {:?}", started.elapsed());

    let t = Instant::now();
    let m = Membership::new(&tenant.directory);
    let root = m.users_in_any(&[GroupIx(0)]);
    println!(
        "root expansion: {} users in {:?}",
        root.count(),
        t.elapsed()
    );
    assert_eq!(root.count(), USERS as usize);

    let t = Instant::now();
    let total: usize = (0..GROUPS)
        .step_by(10)
        .map(|g| m.users_of(GroupIx(g)).len())
        .sum();
    println!(
        "2,000 memoised group expansions ({total} memberships) in {:?}",
        t.elapsed()
    );

    let t = Instant::now();
    let a = assess(&tenant, &AssessConfig::default());
    println!("assess in {:?}: {:?}", t.elapsed(), a.codes());
}
