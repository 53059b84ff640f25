//! Fixed vocabulary of a Microsoft 365 tenant: service plans and SKUs with their real IDs
//! (Microsoft's "Product names and service plan identifiers for licensing" table, as in the
//! Contoso sample), licence mixes, names, places and device models.

/// A service plan: name, ID, and the `service` users' `assignedPlans` show for it.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub name: &'static str,
    pub id: u128,
    pub service: &'static str,
}

macro_rules! plans {
    ($($konst:ident = $name:literal, $id:literal, $service:literal;)*) => {
        $(pub const $konst: Plan = Plan { name: $name, id: $id, service: $service };)*
    };
}

plans! {
    EXCHANGE_S_STANDARD = "EXCHANGE_S_STANDARD", 0x9aaf7827_d63c_4b61_89c3_182f06f82e5c, "exchange";
    EXCHANGE_S_ENTERPRISE = "EXCHANGE_S_ENTERPRISE", 0xefb87545_963c_4e0d_99df_69c6916d9eb0, "exchange";
    EXCHANGE_S_FOUNDATION = "EXCHANGE_S_FOUNDATION", 0x113feb6c_3fe4_4440_bddc_54d774bf0318, "exchange";
    SHAREPOINTSTANDARD = "SHAREPOINTSTANDARD", 0xc7699d2e_19aa_44de_8edf_1736da088ca1, "SharePoint";
    SHAREPOINTENTERPRISE = "SHAREPOINTENTERPRISE", 0x5dbe027f_2339_4123_9542_606e4d348a72, "SharePoint";
    SHAREPOINTENTERPRISE_EDU = "SHAREPOINTENTERPRISE_EDU", 0x63038b2c_28d0_45f6_bc36_33062963b498, "SharePoint";
    SHAREPOINTWAC = "SHAREPOINTWAC", 0xe95bec33_7c88_4a70_8e19_b10bd9d0c014, "SharePoint";
    SHAREPOINTWAC_EDU = "SHAREPOINTWAC_EDU", 0xe03c7e47_402c_463c_ab25_949079bedb21, "SharePoint";
    MCOSTANDARD = "MCOSTANDARD", 0x0feaeb32_d00e_4d66_bd5a_43b5b83db82c, "MicrosoftCommunicationsOnline";
    MCOEV = "MCOEV", 0x4828c8ec_dc2e_4779_b502_87ac9ce28ab7, "MicrosoftCommunicationsOnline";
    TEAMS1 = "TEAMS1", 0x57ff2da0_773e_42df_b2af_ffb7a2317929, "TeamspaceAPI";
    INTUNE_O365 = "INTUNE_O365", 0x882e1d05_acd1_4ccb_8708_6ee03664b117, "SCO";
    INTUNE_A = "INTUNE_A", 0xc1ec4a95_1f05_45b3_a911_aa3fa01094f5, "SCO";
    INTUNE_SMBIZ = "INTUNE_SMBIZ", 0x8e9ff0ff_aa7a_4b20_83c1_2f636b600ac2, "SCO";
    INTUNE_EDU = "INTUNE_EDU", 0xda24caf9_af8e_485c_b7c8_e73336da2693, "SCO";
    INTUNE_DEFENDER = "Intune_Defender", 0x1689aade_3d6a_4bfc_b017_46d2672df5ad, "SCO";
    FORMS_PLAN_E1 = "FORMS_PLAN_E1", 0x159f4cd6_e380_449f_a816_af1a9ef76344, "OfficeForms";
    FORMS_PLAN_E3 = "FORMS_PLAN_E3", 0x2789c901_c14e_48ab_a76a_be334d9d793a, "OfficeForms";
    SWAY = "SWAY", 0xa23b959c_7ce8_4e57_9140_b90eb88a9e97, "Sway";
    PROJECTWORKMANAGEMENT = "PROJECTWORKMANAGEMENT", 0xb737dad2_2f6c_4c65_90e3_ca563267e8b9, "ProjectWorkManagement";
    BPOS_S_TODO_1 = "BPOS_S_TODO_1", 0x5e62787c_c316_451f_b873_1d05acd4d12c, "To-Do";
    FLOW_O365_P1 = "FLOW_O365_P1", 0x0f9b09cb_62d1_4ff4_9129_43f4996f83f4, "ProcessSimple";
    FLOW_O365_P2 = "FLOW_O365_P2", 0x76846ad7_7776_4c40_a281_a386362dd1b9, "ProcessSimple";
    POWERAPPS_O365_P1 = "POWERAPPS_O365_P1", 0x92f7a6f3_b89b_4bbd_8c30_809e6da5ad1c, "PowerAppsService";
    POWERAPPS_O365_P2 = "POWERAPPS_O365_P2", 0xc68f8d98_5534_41c8_bf36_22fa496fa792, "PowerAppsService";
    YAMMER_ENTERPRISE = "YAMMER_ENTERPRISE", 0x7547a3fe_08ee_4ccb_b430_5077e5041653, "YammerEnterprise";
    OFFICESUBSCRIPTION = "OFFICESUBSCRIPTION", 0x43de0ff5_c92c_492b_9116_175376d08c38, "MicrosoftOffice";
    AAD_SMB = "AAD_SMB", 0xde377cbc_0019_4ec2_b77c_3f223947e102, "AADPremiumService";
    AAD_PREMIUM = "AAD_PREMIUM", 0x41781fb2_bc02_4b7c_bd55_b576c07bb09d, "AADPremiumService";
    AAD_PREMIUM_P2 = "AAD_PREMIUM_P2", 0xeec0eb4f_6444_4f95_aba0_50c24d67f998, "AADPremiumService";
    MFA_PREMIUM = "MFA_PREMIUM", 0x8a256a2b_b617_496d_b51b_e76466e88db0, "MultiFactorService";
    RMS_S_PREMIUM = "RMS_S_PREMIUM", 0x6c57d4b6_3b23_47a5_9bc9_69f17b4947b3, "RMSOnline";
    RMS_S_PREMIUM2 = "RMS_S_PREMIUM2", 0x5689bec4_755d_4753_8b61_40975025187c, "RMSOnline";
    RMS_S_ENTERPRISE = "RMS_S_ENTERPRISE", 0xbea4c11e_220a_4e6d_8eb8_8ea15d019f90, "RMSOnline";
    ATP_ENTERPRISE = "ATP_ENTERPRISE", 0xf20fedf3_f3c3_43c3_8267_2bfdd51c0939, "exchange";
    WIN10_PRO_ENT_SUB = "WIN10_PRO_ENT_SUB", 0x21b439ba_a0ca_424f_a6cc_52f954a5b111, "Windows";
    ADALLOM_S_DISCOVERY = "ADALLOM_S_DISCOVERY", 0x932ad362_64a8_4783_9106_97849a1a30b9, "Adallom";
    ADALLOM_S_STANDALONE = "ADALLOM_S_STANDALONE", 0x2e2ddb96_6af9_4b1d_a3f0_d6ecfd22edb2, "Adallom";
    WINDEFATP = "WINDEFATP", 0x871d91ec_ec1a_452b_a83f_bd76c7d770ef, "WindowsDefenderATP";
    DYN365_CDS_VIRAL = "DYN365_CDS_VIRAL", 0x17ab22cb_a0b4_4a8b_be0e_b2cb65b1f0a4, "CRM";
    FLOW_P2_VIRAL = "FLOW_P2_VIRAL", 0x50e68c76_46c6_4674_81f9_75456511b170, "ProcessSimple";
}

/// A product (`subscribedSku`).
#[derive(Debug, Clone, Copy)]
pub struct SkuDef {
    pub part_number: &'static str,
    pub id: u128,
    pub plans: &'static [Plan],
    /// Free seats on top of the consumed ones, in per mille of the consumed (education SKUs
    /// are bought to the seat: 0).
    pub free_per_mille: u64,
    /// A fixed seat count, for free/viral SKUs.
    pub fixed_seats: Option<i64>,
}

pub const BUSINESS_BASIC: SkuDef = SkuDef {
    part_number: "O365_BUSINESS_ESSENTIALS",
    id: 0x3b555118_da6a_4418_894f_7df1e2096870,
    plans: &[
        EXCHANGE_S_STANDARD,
        SHAREPOINTSTANDARD,
        SHAREPOINTWAC,
        MCOSTANDARD,
        TEAMS1,
        INTUNE_O365,
        FORMS_PLAN_E1,
        SWAY,
        PROJECTWORKMANAGEMENT,
        BPOS_S_TODO_1,
        FLOW_O365_P1,
        POWERAPPS_O365_P1,
        YAMMER_ENTERPRISE,
    ],
    free_per_mille: 60,
    fixed_seats: None,
};

pub const BUSINESS_STANDARD: SkuDef = SkuDef {
    part_number: "O365_BUSINESS_PREMIUM",
    id: 0xf245ecc8_75af_4f8e_b61f_27d8114de5c3,
    plans: &[
        EXCHANGE_S_STANDARD,
        SHAREPOINTSTANDARD,
        SHAREPOINTWAC,
        MCOSTANDARD,
        TEAMS1,
        INTUNE_O365,
        FORMS_PLAN_E1,
        SWAY,
        PROJECTWORKMANAGEMENT,
        BPOS_S_TODO_1,
        FLOW_O365_P1,
        POWERAPPS_O365_P1,
        YAMMER_ENTERPRISE,
        OFFICESUBSCRIPTION,
    ],
    free_per_mille: 40,
    fixed_seats: None,
};

pub const BUSINESS_PREMIUM: SkuDef = SkuDef {
    part_number: "SPB",
    id: 0xcbdc14ab_d96c_4c30_b9f4_6ada7cdc1d46,
    plans: &[
        EXCHANGE_S_STANDARD,
        SHAREPOINTSTANDARD,
        SHAREPOINTWAC,
        MCOSTANDARD,
        TEAMS1,
        INTUNE_O365,
        FORMS_PLAN_E1,
        SWAY,
        PROJECTWORKMANAGEMENT,
        BPOS_S_TODO_1,
        FLOW_O365_P1,
        POWERAPPS_O365_P1,
        YAMMER_ENTERPRISE,
        OFFICESUBSCRIPTION,
        INTUNE_SMBIZ,
        AAD_SMB,
        AAD_PREMIUM,
        MFA_PREMIUM,
        RMS_S_PREMIUM,
        RMS_S_ENTERPRISE,
        ATP_ENTERPRISE,
        WIN10_PRO_ENT_SUB,
    ],
    free_per_mille: 25,
    fixed_seats: None,
};

pub const O365_E3: SkuDef = SkuDef {
    part_number: "ENTERPRISEPACK",
    id: 0x6fd2c87f_b296_42f0_b197_1e91e994b900,
    plans: &[
        EXCHANGE_S_ENTERPRISE,
        SHAREPOINTENTERPRISE,
        SHAREPOINTWAC,
        MCOSTANDARD,
        TEAMS1,
        OFFICESUBSCRIPTION,
        INTUNE_O365,
        RMS_S_ENTERPRISE,
        FORMS_PLAN_E3,
        SWAY,
        PROJECTWORKMANAGEMENT,
        FLOW_O365_P2,
        POWERAPPS_O365_P2,
        YAMMER_ENTERPRISE,
    ],
    free_per_mille: 50,
    fixed_seats: None,
};

pub const M365_E3: SkuDef = SkuDef {
    part_number: "SPE_E3",
    id: 0x05e9a617_0261_4cee_bb44_138d3ef5d965,
    plans: &[
        EXCHANGE_S_ENTERPRISE,
        SHAREPOINTENTERPRISE,
        SHAREPOINTWAC,
        MCOSTANDARD,
        TEAMS1,
        OFFICESUBSCRIPTION,
        INTUNE_O365,
        RMS_S_ENTERPRISE,
        FORMS_PLAN_E3,
        SWAY,
        PROJECTWORKMANAGEMENT,
        FLOW_O365_P2,
        POWERAPPS_O365_P2,
        YAMMER_ENTERPRISE,
        INTUNE_A,
        AAD_PREMIUM,
        MFA_PREMIUM,
        RMS_S_PREMIUM,
        ADALLOM_S_DISCOVERY,
        WIN10_PRO_ENT_SUB,
    ],
    free_per_mille: 30,
    fixed_seats: None,
};

pub const M365_E5: SkuDef = SkuDef {
    part_number: "SPE_E5",
    id: 0x06ebc4ee_1bb5_47dd_8120_11324bc54e06,
    plans: &[
        EXCHANGE_S_ENTERPRISE,
        SHAREPOINTENTERPRISE,
        SHAREPOINTWAC,
        MCOSTANDARD,
        TEAMS1,
        OFFICESUBSCRIPTION,
        INTUNE_O365,
        RMS_S_ENTERPRISE,
        FORMS_PLAN_E3,
        SWAY,
        PROJECTWORKMANAGEMENT,
        FLOW_O365_P2,
        POWERAPPS_O365_P2,
        YAMMER_ENTERPRISE,
        INTUNE_A,
        AAD_PREMIUM,
        MFA_PREMIUM,
        RMS_S_PREMIUM,
        ADALLOM_S_DISCOVERY,
        WIN10_PRO_ENT_SUB,
        AAD_PREMIUM_P2,
        RMS_S_PREMIUM2,
        ADALLOM_S_STANDALONE,
        ATP_ENTERPRISE,
        WINDEFATP,
        MCOEV,
        INTUNE_DEFENDER,
    ],
    free_per_mille: 15,
    fixed_seats: None,
};

pub const EDU_A3_FACULTY: SkuDef = SkuDef {
    part_number: "M365EDU_A3_FACULTY",
    id: 0x4b590615_0888_425a_a965_b3bf7789848d,
    plans: &[
        EXCHANGE_S_ENTERPRISE,
        SHAREPOINTENTERPRISE_EDU,
        SHAREPOINTWAC_EDU,
        MCOSTANDARD,
        TEAMS1,
        OFFICESUBSCRIPTION,
        INTUNE_A,
        INTUNE_EDU,
        AAD_PREMIUM,
        MFA_PREMIUM,
        RMS_S_ENTERPRISE,
        RMS_S_PREMIUM,
        WIN10_PRO_ENT_SUB,
    ],
    free_per_mille: 0,
    fixed_seats: None,
};

pub const EMS_E3: SkuDef = SkuDef {
    part_number: "EMS",
    id: 0xefccb6f7_5641_4e0e_bd10_b4976e1bf68e,
    plans: &[
        AAD_PREMIUM,
        MFA_PREMIUM,
        RMS_S_PREMIUM,
        RMS_S_ENTERPRISE,
        ADALLOM_S_DISCOVERY,
        INTUNE_A,
        EXCHANGE_S_FOUNDATION,
    ],
    free_per_mille: 200,
    fixed_seats: None,
};

pub const INTUNE_PLAN1: SkuDef = SkuDef {
    part_number: "INTUNE_A",
    id: 0x061f9ace_7d42_4136_88ac_31dc755f143f,
    plans: &[INTUNE_A, EXCHANGE_S_FOUNDATION],
    free_per_mille: 100,
    fixed_seats: None,
};

pub const FLOW_FREE: SkuDef = SkuDef {
    part_number: "FLOW_FREE",
    id: 0xf30db892_07e9_47e9_837c_80727f46fd3d,
    plans: &[DYN365_CDS_VIRAL, FLOW_P2_VIRAL, EXCHANGE_S_FOUNDATION],
    free_per_mille: 0,
    fixed_seats: Some(10_000),
};

/// Every SKU the tenant subscribes to, in `subscribedSkus` order.
pub const SKUS: &[SkuDef] = &[
    BUSINESS_BASIC,
    BUSINESS_STANDARD,
    BUSINESS_PREMIUM,
    O365_E3,
    M365_E3,
    M365_E5,
    EDU_A3_FACULTY,
    EMS_E3,
    INTUNE_PLAN1,
    FLOW_FREE,
];

/// Position of a SKU in [`SKUS`].
pub fn sku_index(sku: &SkuDef) -> usize {
    SKUS.iter().position(|s| s.id == sku.id).unwrap_or(0)
}

/// A licence as assigned to a user: the SKU and the plans switched off.
#[derive(Debug, Clone, Copy)]
pub struct LicenseDef {
    pub sku: SkuDef,
    pub disabled: &'static [Plan],
}

const fn lic(sku: SkuDef) -> LicenseDef {
    LicenseDef { sku, disabled: &[] }
}

/// The licence mixes of member users, with their weights (per mille).
pub const LICENSE_MIXES: &[(&[LicenseDef], u32)] = &[
    (&[lic(BUSINESS_BASIC)], 170),
    (&[lic(BUSINESS_STANDARD)], 150),
    (&[lic(BUSINESS_PREMIUM)], 80),
    (&[lic(O365_E3)], 180),
    // Office 365 E3 topped up with Intune Plan 1.
    (&[lic(O365_E3), lic(INTUNE_PLAN1)], 30),
    (&[lic(M365_E3)], 120),
    // Microsoft 365 E3 with Intune switched off: not Intune-licensed.
    (
        &[LicenseDef {
            sku: M365_E3,
            disabled: &[INTUNE_A],
        }],
        10,
    ),
    (&[lic(M365_E5)], 70),
    (&[lic(EDU_A3_FACULTY)], 30),
    // "MAM-only": EMS E3 reduced to Intune Plan 1, bought for app protection.
    (
        &[
            lic(BUSINESS_STANDARD),
            LicenseDef {
                sku: EMS_E3,
                disabled: &[
                    AAD_PREMIUM,
                    MFA_PREMIUM,
                    RMS_S_PREMIUM,
                    RMS_S_ENTERPRISE,
                    ADALLOM_S_DISCOVERY,
                    EXCHANGE_S_FOUNDATION,
                ],
            },
        ],
        20,
    ),
    // Intune Plan 1 alone (device enrolment managers, service accounts).
    (&[lic(INTUNE_PLAN1)], 10),
    (&[], 40),
];

pub const FIRST_NAMES: &[&str] = &[
    "Adele",
    "Alex",
    "Allan",
    "Amelia",
    "Anna",
    "Ben",
    "Bianca",
    "Carlos",
    "Chen",
    "Christie",
    "Dalia",
    "Daniel",
    "Diego",
    "Elvis",
    "Emily",
    "Fatima",
    "Grady",
    "Hana",
    "Henrietta",
    "Irvin",
    "Isaiah",
    "Jamal",
    "Johanna",
    "Joni",
    "Jun",
    "Kenji",
    "Lee",
    "Lidia",
    "Lynne",
    "Marcus",
    "Megan",
    "Miriam",
    "Nestor",
    "Nina",
    "Olga",
    "Patti",
    "Pradeep",
    "Priya",
    "Raul",
    "Robin",
    "Sofia",
    "Sven",
    "Tariq",
    "Thomas",
    "Yuki",
    "Zoë",
    "Jürgen",
    "Ángel",
    "Søren",
    "Łukasz",
    "Aoife",
    "Chiara",
    "Dmitri",
    "Eun-ji",
    "Fernanda",
    "Gustav",
    "Ingrid",
    "Kwame",
    "Leila",
    "Mateo",
];

pub const LAST_NAMES: &[&str] = &[
    "Vance",
    "Wilber",
    "Deyoung",
    "Hart",
    "Kowalski",
    "Braun",
    "Pisani",
    "Ortiz",
    "Wei",
    "Cline",
    "Haddad",
    "Brooks",
    "Ramos",
    "Rao",
    "Braun",
    "Haddad",
    "Archie",
    "Sato",
    "Mueller",
    "Bellows",
    "Langer",
    "Khan",
    "Lorenz",
    "Sherman",
    "Tanaka",
    "Ito",
    "Gu",
    "Holloway",
    "Robbins",
    "Reed",
    "Bowen",
    "Graham",
    "Wilke",
    "Larsen",
    "Petrova",
    "Fernandez",
    "Gupta",
    "Nair",
    "Razo",
    "Counts",
    "Marino",
    "Lindqvist",
    "Aziz",
    "Becker",
    "Nakamura",
    "Müller",
    "Núñez",
    "Østergaard",
    "Wójcik",
    "Ó Briain",
    "Rossi",
    "Volkov",
    "Park",
    "Souza",
    "Andersson",
    "Johansson",
    "Mensah",
    "Karimi",
    "Silva",
    "O'Neil",
];

/// ASCII form of a name for addresses (`Zoë` → `zoe`, `O'Neil` → `oneil`).
pub fn mail_part(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let mapped = match c {
            'ä' | 'á' | 'à' | 'Á' => 'a',
            'ë' | 'é' | 'è' => 'e',
            'í' => 'i',
            'ö' | 'ó' | 'ø' | 'Ó' | 'Ø' => 'o',
            'ü' | 'ú' => 'u',
            'ñ' => 'n',
            'ł' | 'Ł' => 'l',
            'ś' => 's',
            'ć' => 'c',
            ' ' | '\'' | '-' => continue,
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => continue,
        };
        out.push(mapped);
    }
    out
}

/// `usageLocation` values with weights; `None` = not set.
pub const USAGE_LOCATIONS: &[(Option<&str>, u32)] = &[
    (Some("US"), 380),
    (Some("GB"), 100),
    (Some("DE"), 100),
    (Some("FR"), 60),
    (Some("NL"), 40),
    (Some("JP"), 60),
    (Some("AU"), 50),
    (Some("CA"), 50),
    (Some("IN"), 80),
    (Some("BR"), 40),
    (None, 40),
];

pub const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Engineering",
    "Marketing",
    "Finance",
    "Operations",
    "Support",
    "Legal",
    "HR",
    "Research",
    "Logistics",
    "Procurement",
    "IT",
    "Field Service",
    "Retail",
    "Manufacturing",
    "Quality",
];

pub const REGIONS: &[&str] = &["Americas", "EMEA", "APAC", "LATAM"];

pub const CITIES: &[&str] = &[
    "Seattle",
    "Chicago",
    "London",
    "Munich",
    "Paris",
    "Amsterdam",
    "Tokyo",
    "Sydney",
    "Toronto",
    "Bengaluru",
    "São Paulo",
    "Dublin",
    "Zürich",
    "Kraków",
    "Osaka",
    "Austin",
];

/// Device kinds the generator draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IPhone,
    IPad,
    Android,
    Windows,
    MacOs,
    WindowsPhone,
    WindowsMobile,
}

pub const KINDS: &[(Kind, u32)] = &[
    (Kind::IPhone, 380),
    (Kind::IPad, 80),
    (Kind::Android, 360),
    (Kind::Windows, 145),
    (Kind::MacOs, 25),
    (Kind::WindowsPhone, 5),
    (Kind::WindowsMobile, 5),
];

/// `complianceState` of managed devices.
pub const COMPLIANCE_STATES: &[(&str, u32)] = &[
    ("compliant", 70),
    ("noncompliant", 15),
    ("unknown", 10),
    ("inGracePeriod", 5),
];

pub const IOS_VERSIONS: &[(&str, u32)] = &[
    ("15.7.9", 30),
    ("16.7.10", 70),
    ("17.5.1", 120),
    ("17.6.1", 180),
    ("18.1", 150),
    ("18.3.2", 200),
    ("18.5", 250),
];

pub const ANDROID_VERSIONS: &[(&str, u32)] = &[
    ("8.1.0", 15),
    ("9", 35),
    ("10", 60),
    ("11", 90),
    ("12", 140),
    ("13", 200),
    ("14", 280),
    ("15", 180),
];

pub const WINDOWS_VERSIONS: &[(&str, u32)] = &[
    ("10.0.19045.5247", 350),
    ("10.0.22631.4602", 400),
    ("10.0.26100.2605", 200),
    // Windows 8.1: nothing migrates to it.
    ("6.3.9600", 50),
];

pub const MACOS_VERSIONS: &[(&str, u32)] = &[("14.6.1", 1), ("15.2", 2)];

pub const IPHONE_MODELS: &[(&str, &str)] = &[
    ("iPhone 12", "iPhone13,2"),
    ("iPhone 13", "iPhone14,5"),
    ("iPhone 14", "iPhone14,7"),
    ("iPhone 15", "iPhone15,4"),
    ("iPhone 15 Pro", "iPhone16,1"),
    ("iPhone SE (3rd generation)", "iPhone14,6"),
];

pub const IPAD_MODELS: &[&str] = &[
    "iPad (9th generation)",
    "iPad Air (5th generation)",
    "iPad Pro (11-inch) (4th generation)",
];

pub const ANDROID_MODELS: &[(&str, &str, &str)] = &[
    ("samsung", "SM-G991B", "Galaxy S21"),
    ("samsung", "SM-A525F", "Galaxy A52"),
    ("samsung", "SM-A105FN", "Galaxy A10"),
    ("samsung", "SM-S911B", "Galaxy S23"),
    ("Google", "Pixel 7", "Pixel 7"),
    ("Google", "Pixel 8a", "Pixel 8a"),
    ("motorola", "moto g54 5G", "moto g54"),
    ("Xiaomi", "2201117TG", "Redmi Note 11"),
    ("OnePlus", "CPH2449", "OnePlus 11"),
];

pub const WINDOWS_MODELS: &[(&str, &str)] = &[
    ("Dell Inc.", "Latitude 7440"),
    ("LENOVO", "21HD0047GE"),
    ("HP", "HP ProBook 450 G8 Notebook PC"),
    ("Microsoft Corporation", "Surface Laptop 5"),
];
