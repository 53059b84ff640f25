//! A whole tenant snapshot: the BMS export, the directory and Intune state, and which parts of
//! the optional Graph data were present (so later stages can say what they could not assess).

use crate::bms::BmsExport;
use crate::directory::Directory;
use crate::intune::IntuneState;
use serde::{Deserialize, Serialize};

/// One optional file (or folder) of the Graph part of a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Part {
    Organization,
    SubscribedSkus,
    Users,
    Groups,
    GroupMembers,
    Devices,
    ManagedDevices,
    DeviceCompliancePolicies,
    DeviceConfigurations,
    ConditionalAccessPolicies,
    ConfigurationPolicies,
}

impl Part {
    pub const ALL: [Part; 11] = [
        Part::Organization,
        Part::SubscribedSkus,
        Part::Users,
        Part::Groups,
        Part::GroupMembers,
        Part::Devices,
        Part::ManagedDevices,
        Part::DeviceCompliancePolicies,
        Part::DeviceConfigurations,
        Part::ConditionalAccessPolicies,
        Part::ConfigurationPolicies,
    ];

    /// The file or folder name under `graph/`, without `.json`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Part::Organization => "organization",
            Part::SubscribedSkus => "subscribedSkus",
            Part::Users => "users",
            Part::Groups => "groups",
            Part::GroupMembers => "groupMembers",
            Part::Devices => "devices",
            Part::ManagedDevices => "managedDevices",
            Part::DeviceCompliancePolicies => "deviceCompliancePolicies",
            Part::DeviceConfigurations => "deviceConfigurations",
            Part::ConditionalAccessPolicies => "conditionalAccessPolicies",
            Part::ConfigurationPolicies => "configurationPolicies",
        }
    }
}

/// Which Graph parts a snapshot contained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Parts(u16);

impl Parts {
    pub fn insert(&mut self, part: Part) {
        self.0 |= 1 << part as u16;
    }
    pub fn contains(self, part: Part) -> bool {
        self.0 & (1 << part as u16) != 0
    }
    /// The parts among `needed` that are missing.
    pub fn missing(self, needed: &[Part]) -> Vec<Part> {
        needed
            .iter()
            .copied()
            .filter(|p| !self.contains(*p))
            .collect()
    }
    pub fn present(self) -> impl Iterator<Item = Part> {
        Part::ALL.into_iter().filter(move |p| self.contains(*p))
    }
}

/// A tenant as read from a snapshot folder.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    pub bms: BmsExport,
    pub directory: Directory,
    pub intune: IntuneState,
    pub parts: Parts,
    /// Things worth telling the admin that are not errors (absent files, orphan rules,
    /// dangling references), in reading order.
    pub notes: Vec<String>,
}
