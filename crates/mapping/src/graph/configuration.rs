//! Device configuration profile bodies (`POST /deviceManagement/deviceConfigurations`, Graph
//! v1.0): the subset of each general-configuration type's properties that a BMS setting can set,
//! and the iOS media-rating complex types with their eighteen rating enums. Names and enum
//! members are those of the v1.0 CSDL.

use super::{
    graph_enum, graph_type, AndroidRequiredPasswordType, AndroidWorkProfileRequiredPasswordType,
    RequiredPasswordType,
};
use serde::{Deserialize, Serialize};

graph_type! {
    /// `windows10GeneralConfiguration`.
    Windows10GeneralConfiguration = "#microsoft.graph.windows10GeneralConfiguration" {
        password_required: bool,
        password_block_simple: bool,
        password_required_type: RequiredPasswordType,
        password_minimum_character_set_count: i32,
        password_minimum_length: i32,
        password_sign_in_failure_count_before_factory_reset: i32,
        password_minutes_of_inactivity_before_screen_timeout: i32,
        password_expiration_days: i32,
        password_previous_password_block_count: i32,
        screen_capture_blocked: bool,
        diagnostics_data_submission_mode: DiagnosticDataSubmissionMode,
        windows_store_blocked: bool,
        storage_block_removable_storage: bool,
        bluetooth_blocked: bool,
        camera_blocked: bool,
    }
}

graph_enum! {
    /// `diagnosticDataSubmissionMode`; `none` is Windows' "Security" level.
    DiagnosticDataSubmissionMode { UserDefined, None, Basic, Enhanced, Full }
}

graph_type! {
    /// `iosGeneralDeviceConfiguration`.
    IosGeneralDeviceConfiguration = "#microsoft.graph.iosGeneralDeviceConfiguration" {
        passcode_required: bool,
        passcode_block_simple: bool,
        passcode_required_type: RequiredPasswordType,
        passcode_minimum_character_set_count: i32,
        passcode_minimum_length: i32,
        passcode_sign_in_failure_count_before_wipe: i32,
        /// The grace period: minutes after the screen locks before the passcode is required.
        passcode_minutes_of_inactivity_before_lock: i32,
        /// Auto-lock.
        passcode_minutes_of_inactivity_before_screen_timeout: i32,
        passcode_expiration_days: i32,
        passcode_previous_passcode_block_count: i32,
        i_cloud_require_encrypted_backup: bool,
        i_cloud_block_backup: bool,
        i_cloud_block_document_sync: bool,
        i_cloud_block_photo_stream_sync: bool,
        screen_capture_blocked: bool,
        face_time_blocked: bool,
        diagnostic_data_block_submission: bool,
        app_store_blocked: bool,
        app_store_require_password: bool,
        camera_blocked: bool,
        voice_dialing_blocked: bool,
        siri_blocked: bool,
        siri_blocked_when_locked: bool,
        lock_screen_block_passbook: bool,
        certificates_block_untrusted_tls_certificates: bool,
        media_content_rating_apps: RatingAppsType,
        media_content_rating_australia: MediaContentRatingAustralia,
        media_content_rating_canada: MediaContentRatingCanada,
        media_content_rating_france: MediaContentRatingFrance,
        media_content_rating_germany: MediaContentRatingGermany,
        media_content_rating_ireland: MediaContentRatingIreland,
        media_content_rating_japan: MediaContentRatingJapan,
        media_content_rating_new_zealand: MediaContentRatingNewZealand,
        media_content_rating_united_kingdom: MediaContentRatingUnitedKingdom,
        media_content_rating_united_states: MediaContentRatingUnitedStates,
    }
}

graph_type! {
    /// `androidGeneralDeviceConfiguration` (device administrator).
    AndroidGeneralDeviceConfiguration = "#microsoft.graph.androidGeneralDeviceConfiguration" {
        password_required: bool,
        password_required_type: AndroidRequiredPasswordType,
        password_minimum_length: i32,
        password_sign_in_failure_count_before_factory_reset: i32,
        password_minutes_of_inactivity_before_screen_timeout: i32,
        password_expiration_days: i32,
        password_previous_password_block_count: i32,
        storage_require_device_encryption: bool,
        screen_capture_blocked: bool,
        diagnostic_data_block_submission: bool,
        google_play_store_blocked: bool,
        storage_block_removable_storage: bool,
        bluetooth_blocked: bool,
        camera_blocked: bool,
    }
}

graph_type! {
    /// `androidWorkProfileGeneralDeviceConfiguration` (Android Enterprise personally-owned work
    /// profile). It has no `passwordRequired`: "required" is a `passwordRequiredType`.
    AndroidWorkProfileGeneralDeviceConfiguration = "#microsoft.graph.androidWorkProfileGeneralDeviceConfiguration" {
        password_required_type: AndroidWorkProfileRequiredPasswordType,
        password_minimum_length: i32,
        password_sign_in_failure_count_before_factory_reset: i32,
        password_minutes_of_inactivity_before_screen_timeout: i32,
        password_expiration_days: i32,
        password_previous_password_block_count: i32,
        work_profile_block_screen_capture: bool,
        work_profile_block_camera: bool,
    }
}

graph_enum! {
    /// `ratingAppsType`.
    RatingAppsType { AllAllowed, AllBlocked, AgesAbove4, AgesAbove9, AgesAbove12, AgesAbove17 }
}

/// Declares one `mediaContentRating<Country>` complex type and its two enums.
macro_rules! rating_country {
    ($name:ident, $movies:ident { $($m:ident),* $(,)? }, $tv:ident { $($t:ident),* $(,)? }) => {
        /// Movie and TV limits for one country; both members are required.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            pub movie_rating: $movies,
            pub tv_rating: $tv,
        }
        graph_enum! { $movies { AllAllowed, AllBlocked, $($m),* } }
        graph_enum! { $tv { AllAllowed, AllBlocked, $($t),* } }
    };
}

rating_country!(
    MediaContentRatingUnitedStates,
    RatingUnitedStatesMoviesType {
        General,
        ParentalGuidance,
        ParentalGuidance13,
        Restricted,
        Adults
    },
    RatingUnitedStatesTelevisionType {
        ChildrenAll,
        ChildrenAbove7,
        General,
        ParentalGuidance,
        ChildrenAbove14,
        Adults
    }
);
rating_country!(
    MediaContentRatingAustralia,
    RatingAustraliaMoviesType {
        General,
        ParentalGuidance,
        Mature,
        AgesAbove15,
        AgesAbove18
    },
    RatingAustraliaTelevisionType {
        Preschoolers,
        Children,
        General,
        ParentalGuidance,
        Mature,
        AgesAbove15,
        AgesAbove15AdultViolence,
    }
);
rating_country!(
    MediaContentRatingCanada,
    RatingCanadaMoviesType {
        General,
        ParentalGuidance,
        AgesAbove14,
        AgesAbove18,
        Restricted
    },
    RatingCanadaTelevisionType {
        Children,
        ChildrenAbove8,
        General,
        ParentalGuidance,
        AgesAbove14,
        AgesAbove18
    }
);
rating_country!(
    MediaContentRatingGermany,
    RatingGermanyMoviesType {
        General,
        AgesAbove6,
        AgesAbove12,
        AgesAbove16,
        Adults
    },
    RatingGermanyTelevisionType {
        General,
        AgesAbove6,
        AgesAbove12,
        AgesAbove16,
        Adults
    }
);
rating_country!(
    MediaContentRatingFrance,
    RatingFranceMoviesType {
        AgesAbove10,
        AgesAbove12,
        AgesAbove16,
        AgesAbove18
    },
    RatingFranceTelevisionType {
        AgesAbove10,
        AgesAbove12,
        AgesAbove16,
        AgesAbove18
    }
);
rating_country!(
    MediaContentRatingIreland,
    RatingIrelandMoviesType {
        General,
        ParentalGuidance,
        AgesAbove12,
        AgesAbove15,
        AgesAbove16,
        Adults
    },
    RatingIrelandTelevisionType {
        General,
        Children,
        YoungAdults,
        ParentalSupervision,
        Mature
    }
);
rating_country!(
    MediaContentRatingJapan,
    RatingJapanMoviesType {
        General,
        ParentalGuidance,
        AgesAbove15,
        AgesAbove18
    },
    RatingJapanTelevisionType { ExplicitAllowed }
);
rating_country!(
    MediaContentRatingNewZealand,
    RatingNewZealandMoviesType {
        General,
        ParentalGuidance,
        Mature,
        AgesAbove13,
        AgesAbove15,
        AgesAbove16,
        AgesAbove18,
        Restricted,
        AgesAbove16Restricted,
    },
    RatingNewZealandTelevisionType {
        General,
        ParentalGuidance,
        Adults
    }
);
rating_country!(
    MediaContentRatingUnitedKingdom,
    RatingUnitedKingdomMoviesType {
        General,
        UniversalChildren,
        ParentalGuidance,
        AgesAbove12Video,
        AgesAbove12Cinema,
        AgesAbove15,
        Adults,
    },
    RatingUnitedKingdomTelevisionType { Caution }
);
