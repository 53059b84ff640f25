//! Intune seats: which SKUs the waves draw new seats from, in what order, and how many each
//! wave takes. This module owns the SKU preference and the allocation rule:
//!
//! - **Pool**: every subscribed, enabled SKU that includes an Intune plan and has free seats
//!   (`Licensing::intune_skus`; free = `enabled − consumed`).
//! - **Order**: standalone Intune SKUs first (every plan of the SKU is an `INTUNE_*` plan, or
//!   the part number is `INTUNE_A`: giving one takes nothing else and cannot clash with the
//!   user's other licences), then suites (EMS, Microsoft 365 …), then education SKUs (the
//!   migration guide asks for a support contact first; the assessment's `education-sku`
//!   finding names them). Within a rank: most free seats first, then part number, then SKU ID.
//! - **Allocation**: a wave that needs `k` new seats takes them from the first SKU in that
//!   order with at least `k` left, so a wave usually has one licence group; only when no single
//!   SKU has `k` left does it take them from the SKUs with most seats left (fewest licence
//!   groups; ties in preference order), one licence group per SKU.

use bms2intune_analysis::licensing::PlanKind;
use bms2intune_analysis::{Assessment, Code, Licensing, SubjectId, SubjectKind};
use bms2intune_model::{Directory, Guid};

/// Where a SKU sits in the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    StandaloneIntune,
    Suite,
    Education,
}

impl Rank {
    pub fn as_str(self) -> &'static str {
        match self {
            Rank::StandaloneIntune => "standalone-intune",
            Rank::Suite => "suite",
            Rank::Education => "education",
        }
    }
}

/// One SKU of the pool.
#[derive(Debug, Clone)]
pub struct PoolSku {
    pub part_number: String,
    pub sku_id: Guid,
    pub rank: Rank,
    pub free: u64,
    pub left: u64,
}

/// The SKUs new seats come from, in preference order.
#[derive(Debug, Clone)]
pub struct SeatPool {
    pub skus: Vec<PoolSku>,
}

impl SeatPool {
    pub fn new(dir: &Directory, licensing: &Licensing, assessment: &Assessment) -> SeatPool {
        let education: Vec<Guid> = assessment
            .findings
            .iter()
            .filter(|f| f.code == Code::EducationSku)
            .flat_map(|f| &f.subjects)
            .filter(|s| s.kind == SubjectKind::Sku)
            .filter_map(|s| match s.id {
                SubjectId::Guid(g) => Some(g),
                SubjectId::Text(_) => None,
            })
            .collect();
        let mut skus: Vec<PoolSku> = licensing
            .intune_skus
            .iter()
            .filter(|s| s.free > 0)
            .filter_map(|s| {
                let sku = dir.skus().get(s.sku.ix())?;
                let standalone = &*sku.part_number == "INTUNE_A"
                    || (!sku.plans.is_empty()
                        && sku.plans.iter().all(|p| {
                            matches!(
                                licensing.plan_kind(p.plan),
                                PlanKind::Intune | PlanKind::IntuneAddOn
                            ) || dir.plan_name(p.plan) == Some("EXCHANGE_S_FOUNDATION")
                        }));
                let rank = if education.contains(&sku.sku_id) {
                    Rank::Education
                } else if standalone {
                    Rank::StandaloneIntune
                } else {
                    Rank::Suite
                };
                Some(PoolSku {
                    part_number: s.part_number.clone(),
                    sku_id: sku.sku_id,
                    rank,
                    free: s.free as u64,
                    left: s.free as u64,
                })
            })
            .collect();
        skus.sort_by(|a, b| {
            (a.rank, std::cmp::Reverse(a.free), &a.part_number, a.sku_id).cmp(&(
                b.rank,
                std::cmp::Reverse(b.free),
                &b.part_number,
                b.sku_id,
            ))
        });
        SeatPool { skus }
    }

    /// Seats left across the pool.
    pub fn left(&self) -> u64 {
        self.skus.iter().map(|s| s.left).sum()
    }

    /// Free seats across the pool.
    pub fn free(&self) -> u64 {
        self.skus.iter().map(|s| s.free).sum()
    }

    /// Takes `k` seats (at most what is left): `(index into skus, seats)` per SKU used.
    pub fn take(&mut self, k: u64) -> Vec<(usize, u64)> {
        if k == 0 {
            return Vec::new();
        }
        if let Some(i) = self.skus.iter().position(|s| s.left >= k) {
            self.skus[i].left -= k;
            return vec![(i, k)];
        }
        // No single SKU has enough: the fewest groups, so the SKUs with most seats left first
        // (ties in preference order); reported in preference order.
        let mut order: Vec<usize> = (0..self.skus.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(self.skus[i].left), i));
        let mut out = Vec::new();
        let mut need = k;
        for i in order {
            if need == 0 {
                break;
            }
            let n = self.skus[i].left.min(need);
            if n > 0 {
                self.skus[i].left -= n;
                need -= n;
                out.push((i, n));
            }
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_analysis::testkit::TenantBuilder;
    use bms2intune_analysis::{assess, AssessConfig};

    #[test]
    fn order_and_allocation() {
        let mut t = TenantBuilder::new();
        t.sku("SPE_E3", &["INTUNE_A", "EXCHANGE_S_ENTERPRISE"], 10, 7);
        t.sku("EMS", &["INTUNE_A", "AAD_PREMIUM"], 10, 5);
        t.sku("INTUNE_A", &["INTUNE_A"], 5, 3);
        t.sku("BASIC", &["INTUNE_O365"], 10, 0);
        t.sku("FULL", &["INTUNE_A"], 4, 4);
        let tenant = t.build();
        let config = AssessConfig::default();
        let licensing = Licensing::new(&tenant.directory, &config);
        let assessment = assess(&tenant, &config);
        let mut pool = SeatPool::new(&tenant.directory, &licensing, &assessment);
        let order: Vec<&str> = pool.skus.iter().map(|s| s.part_number.as_str()).collect();
        assert_eq!(order, ["INTUNE_A", "EMS", "SPE_E3"]);
        assert_eq!(pool.free(), 10);
        assert_eq!(pool.take(4), vec![(1, 4)], "EMS is the first with 4 left");
        assert_eq!(pool.take(2), vec![(0, 2)]);
        assert_eq!(
            pool.take(5),
            vec![(1, 1), (2, 3)],
            "no SKU has 5: most left first"
        );
        assert_eq!(pool.left(), 0);
        assert!(pool.take(3).is_empty());
    }
}
