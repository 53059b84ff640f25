//! Telling device kinds apart from what Graph v1.0 gives (`intune-graph-target.md`, appendix):
//! managed by BMS or not, Windows desktop versus 8.1/RT/Phone/other, Android device
//! administrator versus Android Enterprise, Google Mobile Services, user affinity. This module
//! owns those classifications and the assumptions behind them; each is a pure function of one
//! device.

use crate::config::{AssessConfig, Version};
use bms2intune_model::{
    DevicePlatform, Directory, ManagedDevice, ManagedDeviceIx, ManagementAgent, MdmAuthority,
    UserIx,
};

/// Managed by Basic Mobility and Security: `managementAgent` is `microsoft365ManagedMdm`, or the
/// joined Entra device's `mdmAppId` is Office 365 MDM (`docs/snapshot.md`).
pub fn is_bms_device(dir: &Directory, device: &ManagedDevice) -> bool {
    device.is_bms_managed()
        || device
            .entra_device
            .and_then(|e| dir.entra_devices().get(e.ix()))
            .is_some_and(|e| e.mdm == MdmAuthority::Office365)
}

/// What kind of Windows a device runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WindowsKind {
    /// Windows 11 desktop (`10.0` build 22000 or later).
    Desktop11,
    /// Windows 10 desktop (`10.0` below build 22000, or no build given).
    Desktop10,
    /// Windows 8.1 and older desktop (`osVersion` below 10; 8.1 is 6.3).
    Legacy,
    /// Windows RT / 8.1 RT.
    Rt,
    /// Windows Phone and Windows 10 Mobile.
    Mobile,
    /// Holographic, Team (Surface Hub) and other non-desktop editions.
    OtherNonDesktop,
    /// No readable version.
    Unknown,
}

impl WindowsKind {
    /// True for the kinds whose BMS policy does not migrate (only Windows 10/11 desktop does).
    pub fn is_not_migrated(self) -> bool {
        matches!(
            self,
            WindowsKind::Legacy
                | WindowsKind::Rt
                | WindowsKind::Mobile
                | WindowsKind::OtherNonDesktop
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            WindowsKind::Desktop11 => "Windows 11",
            WindowsKind::Desktop10 => "Windows 10",
            WindowsKind::Legacy => "Windows 8.1 or older",
            WindowsKind::Rt => "Windows RT",
            WindowsKind::Mobile => "Windows Phone / Mobile",
            WindowsKind::OtherNonDesktop => "other non-desktop Windows",
            WindowsKind::Unknown => "Windows, unknown version",
        }
    }
}

/// Classifies a Windows device (platform `Windows` or `WindowsMobile`) from `operatingSystem`,
/// `osVersion` and `model`.
pub fn windows_kind(device: &ManagedDevice) -> WindowsKind {
    let os = device.operating_system.to_ascii_lowercase();
    let model = device.model.as_deref().unwrap_or("").to_ascii_lowercase();
    let words = |s: &str| {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "rt")
    };
    if device.platform == DevicePlatform::WindowsMobile
        || os.contains("phone")
        || os.contains("mobile")
        || model.contains("lumia")
    {
        return WindowsKind::Mobile;
    }
    if words(&os) || words(&model) {
        return WindowsKind::Rt;
    }
    if os.contains("holographic") || os.contains("team") || os.contains("iot core") {
        return WindowsKind::OtherNonDesktop;
    }
    match Version::parse(&device.os_version) {
        None if os.contains("8.1") || os.contains("windows 7") || os.contains("windows 8") => {
            WindowsKind::Legacy
        }
        None => WindowsKind::Unknown,
        Some(v) if v.major() < 10 => WindowsKind::Legacy,
        Some(v) if v.major() == 10 && v.minor() == 0 && v.build() >= 22000 => {
            WindowsKind::Desktop11
        }
        Some(v) if v.major() == 10 => WindowsKind::Desktop10,
        // Windows 11 reports 10.0; anything newer counts as current desktop.
        Some(_) => WindowsKind::Desktop11,
    }
}

/// An Android device enrolled with Android Enterprise: managed by Google's Device Policy
/// Controller, or with an `androidEnterprise*` enrolment type. Every other Android device is
/// a device-administrator enrolment (what BMS created). The one rule for the assessment and
/// the simulation.
pub fn is_android_enterprise(device: &ManagedDevice) -> bool {
    const PREFIX: &[u8] = b"androidenterprise";
    device.platform == DevicePlatform::Android
        && (device.management_agent == ManagementAgent::GoogleCloudDevicePolicyController
            || device.enrollment_type.as_deref().is_some_and(|t| {
                t.as_bytes()
                    .get(..PREFIX.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
            }))
}

/// An Android device enrolled through device administrator (not [`is_android_enterprise`])
/// and managed through MDM (`microsoft365ManagedMdm`, `mdm` or `easMdm`): how BMS enrolled
/// Android.
pub fn is_android_device_admin(device: &ManagedDevice) -> bool {
    device.platform == DevicePlatform::Android
        && !is_android_enterprise(device)
        && matches!(
            device.management_agent,
            ManagementAgent::Microsoft365ManagedMdm
                | ManagementAgent::Mdm
                | ManagementAgent::EasMdm
        )
}

/// Whether an Android device has Google Mobile Services. v1.0 cannot tell, so every device is
/// assumed to have GMS unless its manufacturer is listed in `nonGmsManufacturers` or its
/// operating system says AOSP.
pub fn assumed_gms(device: &ManagedDevice, config: &AssessConfig) -> bool {
    let manufacturer = device.manufacturer.as_deref().unwrap_or("").trim();
    !config
        .non_gms_manufacturers
        .iter()
        .any(|m| m.trim().eq_ignore_ascii_case(manufacturer))
        && !device
            .operating_system
            .as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"aosp"))
}

/// Managed devices by primary user: each user's devices ascending, in one flat list with
/// offsets per user (a million users would otherwise mean a million small vectors). Built by
/// counting, in one pass over the devices.
#[derive(Debug, Clone)]
pub struct DevicesByUser {
    /// `devices[start[u]..start[u + 1]]` are user `u`'s.
    start: Vec<u32>,
    devices: Vec<ManagedDeviceIx>,
}

impl DevicesByUser {
    /// The devices `keep(index, device)` accepts, under their primary user; devices without
    /// one (or whose user is not in the directory) are left out.
    pub fn new(dir: &Directory, mut keep: impl FnMut(usize, &ManagedDevice) -> bool) -> Self {
        let users = dir.users().len();
        let owner = |d: &ManagedDevice| d.user.filter(|u| u.ix() < users);
        let mut kept: Vec<(UserIx, ManagedDeviceIx)> = Vec::new();
        for (i, d) in dir.managed_devices().iter().enumerate() {
            if let Some(u) = owner(d).filter(|_| keep(i, d)) {
                kept.push((u, ManagedDeviceIx(i as u32)));
            }
        }
        let mut start = vec![0u32; users + 1];
        for &(u, _) in &kept {
            start[u.ix() + 1] += 1;
        }
        for u in 0..users {
            start[u + 1] += start[u];
        }
        let mut next = start.clone();
        let mut devices = vec![ManagedDeviceIx(0); kept.len()];
        for (u, d) in kept {
            devices[next[u.ix()] as usize] = d;
            next[u.ix()] += 1;
        }
        DevicesByUser { start, devices }
    }

    /// User `u`'s devices, ascending.
    pub fn get(&self, u: UserIx) -> &[ManagedDeviceIx] {
        match (self.start.get(u.ix()), self.start.get(u.ix() + 1)) {
            (Some(&a), Some(&b)) => &self.devices[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Users with at least one device, ascending, with their devices.
    pub fn iter(&self) -> impl Iterator<Item = (UserIx, &[ManagedDeviceIx])> + '_ {
        (0..self.start.len().saturating_sub(1))
            .map(|u| (UserIx(u as u32), self.get(UserIx(u as u32))))
            .filter(|(_, list)| !list.is_empty())
    }

    /// Every device kept, user by user.
    pub fn all(&self) -> &[ManagedDeviceIx] {
        &self.devices
    }
}

/// `deviceEnrollmentType`s that enrol without a user.
pub const USERLESS_ENROLLMENT_TYPES: &[&str] = &[
    "appleBulkWithoutUser",
    "windowsBulkUserless",
    "deviceEnrollmentManager",
    "androidEnterpriseDedicatedDevice",
];

/// Whether a device has a primary user: a user ID or UPN, and an enrolment type that has a
/// user. (A UPN whose user is missing from `graph/users` still counts as affinity.)
pub fn has_user_affinity(device: &ManagedDevice) -> bool {
    let userless_enrollment = device.enrollment_type.as_deref().is_some_and(|t| {
        USERLESS_ENROLLMENT_TYPES
            .iter()
            .any(|u| u.eq_ignore_ascii_case(t))
    });
    let has_user = device.user.is_some()
        || device
            .user_principal_name
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty());
    has_user && !userless_enrollment
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{Dev, TenantBuilder};

    fn device(dev: Dev) -> ManagedDevice {
        let mut t = TenantBuilder::new();
        let ix = t.managed(dev);
        t.build().directory.managed_devices()[ix.ix()].clone()
    }

    #[test]
    fn windows_kinds() {
        let kind = |os: &str, v: &str| windows_kind(&device(Dev::new("w", os, v)));
        assert_eq!(kind("Windows", "10.0.22631.4317"), WindowsKind::Desktop11);
        assert_eq!(kind("Windows", "10.0.19045.3803"), WindowsKind::Desktop10);
        assert_eq!(kind("Windows", "6.3.9600"), WindowsKind::Legacy);
        assert_eq!(kind("Windows RT", "6.3.9600"), WindowsKind::Rt);
        assert_eq!(kind("Windows Phone", "8.10.14219"), WindowsKind::Mobile);
        assert_eq!(kind("WindowsMobile", "10.0.15254"), WindowsKind::Mobile);
        assert_eq!(
            kind("Windows Holographic", "10.0.20348"),
            WindowsKind::OtherNonDesktop
        );
        assert_eq!(kind("Windows", ""), WindowsKind::Unknown);
        assert!(!kind("Windows", "10.0.19045").is_not_migrated());
        assert_eq!(
            device(Dev::new("p", "WindowsPhone", "8.10")).platform,
            DevicePlatform::WindowsMobile
        );
    }

    #[test]
    fn android_and_affinity() {
        assert!(is_android_device_admin(&device(Dev::android("a", "13"))));
        assert!(!is_android_device_admin(&device(
            Dev::android("b", "13").agent(ManagementAgent::GoogleCloudDevicePolicyController)
        )));
        assert!(!is_android_device_admin(&device(
            Dev::android("c", "13").enrollment("androidEnterpriseWorkProfile")
        )));
        assert!(!is_android_device_admin(&device(Dev::ios("d", "17"))));
        // One rule for "Android Enterprise", any case; not Enterprise is device admin, and the
        // finding also wants an MDM agent (an Exchange-only device is neither).
        assert!(is_android_enterprise(&device(
            Dev::android("e", "14").enrollment("ANDROIDENTERPRISEFullyManaged")
        )));
        assert!(!is_android_enterprise(&device(
            Dev::android("f", "14").enrollment("android")
        )));
        let eas_only = device(Dev::android("g", "12").agent(ManagementAgent::Eas));
        assert!(!is_android_enterprise(&eas_only));
        assert!(!is_android_device_admin(&eas_only));
        assert!(!is_android_enterprise(&device(Dev::ios("i", "17"))));
        let huawei = device(Dev::android("h", "12").manufacturer("HUAWEI"));
        let config = AssessConfig {
            non_gms_manufacturers: vec!["huawei".into()],
            ..AssessConfig::default()
        };
        assert!(!assumed_gms(&huawei, &config));
        assert!(assumed_gms(&huawei, &AssessConfig::default()));
        assert!(!has_user_affinity(&device(Dev::ios("e", "18"))));
        assert!(has_user_affinity(&device(
            Dev::ios("f", "18").upn("gone@contoso.test")
        )));
        assert!(!has_user_affinity(&device(
            Dev::ios("g", "18")
                .upn("dem@contoso.test")
                .enrollment("appleBulkWithoutUser")
        )));
    }
}
