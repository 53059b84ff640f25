//! The device checks: `unsupported-os`, `windows-not-migrated`, `android-device-admin` and
//! `no-user-affinity`, over the BMS-managed devices of the snapshot.

use super::context::{plural, Ctx};
use super::vocabulary::{Code, Finding, Subject};
use crate::config::Version;
use crate::devices::{
    assumed_gms, has_user_affinity, is_android_device_admin, is_bms_device, windows_kind,
    WindowsKind,
};
use bms2intune_model::{DevicePlatform, ManagedDeviceIx};
use std::collections::BTreeMap;

impl<'t> Ctx<'t, '_> {
    pub(super) fn unsupported_os(&self) -> Option<Finding<'t>> {
        let floors = &self.config.os_floors;
        let windows10_allowed_only = self.config.as_of >= self.config.windows10_end_of_support;
        let mut below: BTreeMap<DevicePlatform, usize> = BTreeMap::new();
        let (mut windows10, mut unreadable) = (0usize, 0usize);
        let mut subjects = Vec::new();
        for (d, md) in self.bms_devices() {
            if md.platform == DevicePlatform::Windows {
                match windows_kind(md) {
                    WindowsKind::Desktop10 if windows10_allowed_only => {
                        windows10 += 1;
                        subjects.push(self.device(d));
                    }
                    WindowsKind::Unknown => unreadable += 1,
                    _ => {}
                }
                continue;
            }
            let Some(floor) = floors.floor(md.platform) else {
                continue;
            };
            match Version::parse(&md.os_version) {
                Some(v) if v < *floor => {
                    *below.entry(md.platform).or_default() += 1;
                    subjects.push(self.device(d));
                }
                Some(_) => {}
                None => unreadable += 1,
            }
        }
        if subjects.is_empty() {
            return None;
        }
        let mut parts: Vec<String> = below
            .iter()
            .filter_map(|(p, n)| {
                floors
                    .floor(*p)
                    .map(|f| format!("{} below {}: {n}", p.label(), f))
            })
            .collect();
        if windows10 > 0 {
            parts.push(format!(
                "Windows 10 (\"allowed\", no longer supported since {}): {windows10}",
                self.config.windows10_end_of_support
            ));
        }
        let unreadable = if unreadable > 0 {
            format!(
                " {} had no readable OS version and were not assessed.",
                plural(unreadable, "device", "devices")
            )
        } else {
            String::new()
        };
        Some(self.finding(
            Code::UnsupportedOs,
            format!(
                "{} managed by BMS run an OS Intune does not support as of {}: {}. Floors: {} (reviewed {}). \
                 Unsupported versions may keep working after the move but without support, and new enrolments \
                 below the floor are refused.{unreadable}",
                plural(subjects.len(), "device", "devices"),
                self.config.as_of,
                parts.join("; "),
                floors.source,
                floors.reviewed
            ),
            subjects,
            "Ask the users to update these devices (or replace them) before their wave; meanwhile consider an Intune \
             compliance policy with a minimum OS version and a grace period."
                .to_string(),
        ))
    }

    pub(super) fn windows_not_migrated(&self) -> Option<Finding<'t>> {
        let mut kinds: BTreeMap<WindowsKind, usize> = BTreeMap::new();
        let mut subjects = Vec::new();
        for (d, md) in self.bms_devices() {
            if !matches!(
                md.platform,
                DevicePlatform::Windows | DevicePlatform::WindowsMobile
            ) {
                continue;
            }
            let kind = windows_kind(md);
            if kind.is_not_migrated() {
                *kinds.entry(kind).or_default() += 1;
                subjects.push(self.device(d));
            }
        }
        if subjects.is_empty() {
            return None;
        }
        let breakdown = kinds
            .iter()
            .map(|(k, n)| format!("{}: {n}", k.label()))
            .collect::<Vec<_>>()
            .join(", ");
        Some(self.finding(
            Code::WindowsNotMigrated,
            format!(
                "{} managed by BMS run Windows other than Windows 10/11 desktop ({breakdown}). Only Windows 10/11 \
                 desktop policy migrates; if their users are licensed for Intune these devices lose their BMS \
                 configuration and Intune does not support them.",
                plural(subjects.len(), "device", "devices")
            ),
            subjects,
            "Retire or replace these devices before their users' wave; until then keep those users on BMS (no \
             Intune licence) or accept that the devices become unmanaged."
                .to_string(),
        ))
    }

    pub(super) fn android_device_admin(&self) -> Option<Finding<'t>> {
        let mut subjects = Vec::new();
        let (mut non_gms, mut by_bms) = (0usize, 0usize);
        for (i, md) in self.dir.managed_devices().iter().enumerate() {
            if !is_android_device_admin(md) {
                continue;
            }
            if assumed_gms(md, self.config) {
                subjects.push(self.device(ManagedDeviceIx(i as u32)));
                by_bms += usize::from(is_bms_device(self.dir, md));
            } else {
                non_gms += 1;
            }
        }
        if subjects.is_empty() {
            return None;
        }
        let non_gms = if non_gms > 0 {
            format!(
                " {} without GMS (by manufacturer) were left out.",
                plural(non_gms, "device", "devices")
            )
        } else {
            String::new()
        };
        Some(self.finding(
            Code::AndroidDeviceAdmin,
            format!(
                "{} enrolled through Android device administrator ({by_bms} managed by BMS, which enrols Android \
                 that way; {} already by Intune), assumed to have Google Mobile Services (Graph v1.0 cannot tell; \
                 list exceptions in nonGmsManufacturers). Intune ended device administrator support on GMS devices \
                 on 31 December 2024: no enrolment, fixes or support.{non_gms}",
                plural(subjects.len(), "Android device is", "Android devices are"),
                subjects.len() - by_bms
            ),
            subjects,
            "Plan a re-enrolment as Android Enterprise personally-owned work profile (Intune's guided move: the \
             compliance setting \"Block devices managed with device administrator\", Company Portal 5.0.4720.0 or \
             later; raise the device limit meanwhile), or move these users to app protection without enrolment."
                .to_string(),
        ))
    }

    pub(super) fn no_user_affinity(&self) -> Option<Finding<'t>> {
        let subjects: Vec<Subject<'t>> = self
            .bms_devices()
            .filter(|(_, md)| !has_user_affinity(md))
            .map(|(d, _)| self.device(d))
            .collect();
        if subjects.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::NoUserAffinity,
            format!(
                "{} managed by BMS have no primary user (no user, or a userless enrolment type). The switch to \
                 Intune follows the user's licence, so these devices are not moved automatically.{}",
                plural(subjects.len(), "device", "devices"),
                self.registered_owner_note(&subjects)
            ),
            subjects,
            "Ask Microsoft support to move these devices to the Intune authority, or retire them and re-enrol them \
             with a user (or as userless devices with Intune device licences)."
                .to_string(),
        ))
    }
}
