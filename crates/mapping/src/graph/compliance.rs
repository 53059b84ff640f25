//! Compliance policy bodies (`POST /deviceManagement/deviceCompliancePolicies`, Graph v1.0):
//! the subset of each type's properties that a BMS access requirement or a baseline
//! recommendation ([`crate::baseline`]) can set, plus the mandatory `scheduledActionsForRule`
//! with its single `block` action. Names and enums are
//! those of the v1.0 CSDL.

use super::{
    graph_type, AndroidRequiredPasswordType, RequiredPasswordType, ScheduledActionForRule,
};

graph_type! {
    /// `windows10CompliancePolicy`.
    Windows10CompliancePolicy = "#microsoft.graph.windows10CompliancePolicy" {
        password_required: bool,
        password_block_simple: bool,
        password_required_type: RequiredPasswordType,
        password_minimum_character_set_count: i32,
        password_minimum_length: i32,
        password_minutes_of_inactivity_before_lock: i32,
        password_expiration_days: i32,
        password_previous_password_block_count: i32,
        os_minimum_version: String,
        bit_locker_enabled: bool,
        secure_boot_enabled: bool,
        code_integrity_enabled: bool,
        scheduled_actions_for_rule: Vec<ScheduledActionForRule>,
    }
}

graph_type! {
    /// `iosCompliancePolicy`.
    IosCompliancePolicy = "#microsoft.graph.iosCompliancePolicy" {
        passcode_required: bool,
        passcode_block_simple: bool,
        passcode_required_type: RequiredPasswordType,
        passcode_minimum_character_set_count: i32,
        passcode_minimum_length: i32,
        passcode_minutes_of_inactivity_before_lock: i32,
        passcode_expiration_days: i32,
        passcode_previous_passcode_block_count: i32,
        security_block_jailbroken_devices: bool,
        managed_email_profile_required: bool,
        os_minimum_version: String,
        scheduled_actions_for_rule: Vec<ScheduledActionForRule>,
    }
}

graph_type! {
    /// `androidCompliancePolicy` (device administrator).
    AndroidCompliancePolicy = "#microsoft.graph.androidCompliancePolicy" {
        password_required: bool,
        password_required_type: AndroidRequiredPasswordType,
        password_minimum_length: i32,
        password_minutes_of_inactivity_before_lock: i32,
        password_expiration_days: i32,
        password_previous_password_block_count: i32,
        storage_require_encryption: bool,
        security_block_jailbroken_devices: bool,
        os_minimum_version: String,
        security_require_safety_net_attestation_basic_integrity: bool,
        security_require_safety_net_attestation_certified_device: bool,
        security_require_google_play_services: bool,
        security_require_up_to_date_security_providers: bool,
        scheduled_actions_for_rule: Vec<ScheduledActionForRule>,
    }
}

graph_type! {
    /// `androidWorkProfileCompliancePolicy` (Android Enterprise personally-owned work profile;
    /// same property names as `androidCompliancePolicy`).
    AndroidWorkProfileCompliancePolicy = "#microsoft.graph.androidWorkProfileCompliancePolicy" {
        password_required: bool,
        password_required_type: AndroidRequiredPasswordType,
        password_minimum_length: i32,
        password_minutes_of_inactivity_before_lock: i32,
        password_expiration_days: i32,
        password_previous_password_block_count: i32,
        storage_require_encryption: bool,
        security_block_jailbroken_devices: bool,
        os_minimum_version: String,
        security_require_safety_net_attestation_basic_integrity: bool,
        security_require_safety_net_attestation_certified_device: bool,
        security_require_google_play_services: bool,
        security_require_up_to_date_security_providers: bool,
        scheduled_actions_for_rule: Vec<ScheduledActionForRule>,
    }
}
