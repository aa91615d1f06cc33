use super::*;
use crate::domain::{FIELD_NEW_PASSWORD, MSG_BARCODE_CHECK_DIGIT, MSG_BARCODE_DIGITS, MSG_BARCODE_LENGTH, MSG_BARCODE_REQUIRED};

fn refs() -> AdminRefs {
    let warehouse = |id: i64, code: &str| Warehouse { id, code: code.into(), name: code.into(), country: "US".into(), ..Default::default() };
    AdminRefs {
        merchants: vec![
            Merchant { id: 1, name: "Acme".into(), warehouse_ids: vec![10, 20] },
            Merchant { id: 2, name: "Globex".into(), warehouse_ids: vec![10] },
        ],
        warehouses: vec![warehouse(10, "LAX1"), warehouse(20, "NJ1")],
        business_types: vec![BusinessType { id: 5, code: "DS".into(), name: "Dropshipping".into(), kind: BusinessKind::B2C }],
    }
}

fn first(result: Result<impl std::fmt::Debug, ValidationErrors>, field: &str) -> String {
    match result {
        Ok(v) => panic!("expected an error on {field}, got {v:?}"),
        Err(e) => e.first(field).unwrap_or_else(|| panic!("no error on {field}: {e:?}")).to_string(),
    }
}

fn merchant_user() -> UserInput {
    UserInput {
        email: " Ann@Example.COM ".into(),
        display_name: " Ann Lee ".into(),
        role: Some(Role::MerchantUser),
        merchant_id: Some(1),
        warehouse_ids: vec![],
        password: "a long enough password".into(),
    }
}

fn picker() -> UserInput {
    UserInput { role: Some(Role::WarehousePicker), merchant_id: None, warehouse_ids: vec![20, 10, 20], ..merchant_user() }
}

#[test]
fn a_valid_user_comes_back_trimmed() {
    let u = merchant_user().validated(true, &refs()).expect("valid");
    assert_eq!((u.email.as_str(), u.display_name.as_str()), ("ann@example.com", "Ann Lee"));
    let p = picker().validated(true, &refs()).expect("valid");
    assert_eq!(p.warehouse_ids, vec![10, 20], "sorted, once each");
    // On update the password is not read (nor kept).
    let u = UserInput { password: String::new(), ..merchant_user() }.validated(false, &refs()).expect("valid");
    assert!(u.password.is_empty());
}

#[test]
fn emails_must_look_like_emails() {
    for bad in ["", "ann", "ann@", "@example.com", "ann@example", "ann@exa mple.com", "an n@example.com", "ann@@example.com", "ann@example..com", "ann@-x_.com"] {
        let input = UserInput { email: bad.into(), ..merchant_user() };
        assert!(input.validated(true, &refs()).err().and_then(|e| e.first(FIELD_EMAIL).map(str::to_string)).is_some(), "{bad:?} accepted");
    }
    assert!(is_email("first.last+tag@mail.example.co.uk"));
    assert!(!is_email(&format!("{}@example.com", "a".repeat(65))));
}

#[test]
fn names_are_required_and_bounded() {
    assert_eq!(first(UserInput { display_name: "  ".into(), ..merchant_user() }.validated(true, &refs()), FIELD_DISPLAY_NAME), "Please enter the person's name");
    assert_eq!(first(UserInput { display_name: "x".repeat(101), ..merchant_user() }.validated(true, &refs()), FIELD_DISPLAY_NAME), "Name must be 100 characters or fewer");
    assert!(UserInput { display_name: "é".repeat(100), ..merchant_user() }.validated(true, &refs()).is_ok(), "counted in characters");
}

#[test]
fn a_role_is_required() {
    assert_eq!(first(UserInput { role: None, ..merchant_user() }.validated(true, &refs()), FIELD_ROLE), "Please choose a role");
}

#[test]
fn merchant_roles_need_a_merchant_and_others_must_not_have_one() {
    assert_eq!(first(UserInput { merchant_id: None, ..merchant_user() }.validated(true, &refs()), FIELD_MERCHANT), "Please choose the merchant this user works for");
    assert_eq!(first(UserInput { merchant_id: Some(99), ..merchant_user() }.validated(true, &refs()), FIELD_MERCHANT), "This merchant does not exist");
    assert_eq!(first(UserInput { merchant_id: Some(1), ..picker() }.validated(true, &refs()), FIELD_MERCHANT), "A warehouse picker does not belong to a merchant");
    let admin = UserInput { role: Some(Role::PlatformAdmin), merchant_id: Some(1), ..merchant_user() };
    assert!(first(admin.validated(true, &refs()), FIELD_MERCHANT).contains("platform admin"));
}

#[test]
fn floor_roles_need_warehouses_and_others_must_not_have_any() {
    assert_eq!(first(UserInput { warehouse_ids: vec![], ..picker() }.validated(true, &refs()), FIELD_WAREHOUSES), "Please choose at least one warehouse");
    assert_eq!(first(UserInput { warehouse_ids: vec![10, 77], ..picker() }.validated(true, &refs()), FIELD_WAREHOUSES), "Warehouse 77 does not exist");
    assert_eq!(first(UserInput { warehouse_ids: vec![10], ..merchant_user() }.validated(true, &refs()), FIELD_WAREHOUSES), "Only warehouse staff work in warehouses");
    let lead = UserInput { role: Some(Role::WarehouseLead), ..picker() };
    assert!(lead.validated(true, &refs()).is_ok());
}

#[test]
fn a_new_user_needs_a_good_first_password() {
    assert!(first(UserInput { password: "short".into(), ..merchant_user() }.validated(true, &refs()), FIELD_NEW_PASSWORD).contains("at least"));
    let same_as_email = UserInput { password: "ann@example.com".into(), ..merchant_user() };
    assert_eq!(first(same_as_email.validated(true, &refs()), FIELD_NEW_PASSWORD), "The password must not be your email address");
    // An update does not look at it.
    assert!(UserInput { password: "short".into(), ..merchant_user() }.validated(false, &refs()).is_ok());
}

#[test]
fn admins_cannot_lock_themselves_out() {
    assert_eq!(check_own_role(1, 1, Some(Role::MerchantAdmin)).err().and_then(|e| e.first(FIELD_ROLE).map(str::to_string)).as_deref(), Some(MSG_CANNOT_CHANGE_OWN_ROLE));
    assert!(check_own_role(1, 1, None).is_err());
    assert!(check_own_role(1, 1, Some(Role::PlatformAdmin)).is_ok());
    assert!(check_own_role(1, 2, Some(Role::MerchantUser)).is_ok(), "others may be demoted");
    assert_eq!(check_disable(1, 1, true), Err(MSG_CANNOT_DISABLE_SELF));
    assert!(check_disable(1, 1, false).is_ok());
    assert!(check_disable(1, 2, true).is_ok());
    assert_eq!(check_password_reset(3, 3), Err(MSG_RESET_OWN_PASSWORD));
    assert!(check_password_reset(3, 4).is_ok());
}

#[test]
fn merchants_need_a_name_and_known_warehouses() {
    let ok = MerchantInput { name: " Initech ".into(), warehouse_ids: vec![20, 10, 10] }.validated(&refs()).expect("valid");
    assert_eq!(ok, MerchantInput { name: "Initech".into(), warehouse_ids: vec![10, 20] });
    assert!(MerchantInput { name: "Initech".into(), warehouse_ids: vec![] }.validated(&refs()).is_ok(), "a merchant may start without warehouses");
    assert_eq!(first(MerchantInput { name: " ".into(), warehouse_ids: vec![] }.validated(&refs()), FIELD_NAME), "Please enter the merchant's name");
    assert_eq!(first(MerchantInput { name: "x".repeat(101), warehouse_ids: vec![] }.validated(&refs()), FIELD_NAME), "Name must be 100 characters or fewer");
    assert_eq!(first(MerchantInput { name: "I".into(), warehouse_ids: vec![3] }.validated(&refs()), FIELD_WAREHOUSES), "Warehouse 3 does not exist");
}

fn warehouse() -> WarehouseInput {
    WarehouseInput {
        code: " dfw-2 ".into(),
        name: "Dallas, TX".into(),
        country: "us".into(),
        address1: "1 Main St".into(),
        city: "Dallas".into(),
        state: "TX".into(),
        postal_code: "75201".into(),
    }
}

#[test]
fn warehouse_codes_are_short_capitals_digits_and_dashes() {
    let ok = warehouse().validated().expect("valid");
    assert_eq!((ok.code.as_str(), ok.country.as_str()), ("DFW-2", "US"));
    for bad in ["A", "ABCDEFGHIJK", "LAX_1", "LAX 1", "LÄX1", ""] {
        assert!(first(WarehouseInput { code: bad.into(), ..warehouse() }.validated(), FIELD_CODE).starts_with("Code: 2 to 10"), "{bad:?}");
    }
    assert!(WarehouseInput { code: "AB".into(), ..warehouse() }.validated().is_ok());
    assert!(WarehouseInput { code: "ABCDEFGHIJ".into(), ..warehouse() }.validated().is_ok());
}

#[test]
fn warehouses_need_a_country_code_and_a_ship_from_address() {
    for bad in ["USA", "U", "1A", ""] {
        assert_eq!(first(WarehouseInput { country: bad.into(), ..warehouse() }.validated(), FIELD_COUNTRY), "Use the 2-letter country code, like US", "{bad:?}");
    }
    assert_eq!(first(WarehouseInput { name: "".into(), ..warehouse() }.validated(), FIELD_NAME), "Please enter the warehouse's name");
    assert_eq!(first(WarehouseInput { address1: " ".into(), ..warehouse() }.validated(), FIELD_ADDRESS1), "Please enter the street address");
    assert_eq!(first(WarehouseInput { city: "".into(), ..warehouse() }.validated(), FIELD_CITY), "Please enter the city");
    assert_eq!(first(WarehouseInput { postal_code: "".into(), ..warehouse() }.validated(), FIELD_POSTAL_CODE), "Please enter the postal code");
    assert_eq!(first(WarehouseInput { postal_code: "1".repeat(21), ..warehouse() }.validated(), FIELD_POSTAL_CODE), "Postal code must be 20 characters or fewer");
    assert_eq!(first(WarehouseInput { state: "s".repeat(101), ..warehouse() }.validated(), FIELD_STATE), "State must be 100 characters or fewer");
    assert!(WarehouseInput { state: "".into(), ..warehouse() }.validated().is_ok(), "not every country has states");
}

#[test]
fn business_types_need_code_name_and_kind() {
    let ok = BusinessTypeInput { code: "ws".into(), name: " Wholesale ".into(), kind: Some(BusinessKind::B2B) }.validated().expect("valid");
    assert_eq!((ok.code.as_str(), ok.name.as_str()), ("WS", "Wholesale"));
    assert!(first(BusinessTypeInput { code: "W".into(), name: "W".into(), kind: Some(BusinessKind::B2C) }.validated(), FIELD_CODE).starts_with("Code: 2 to 20"));
    assert!(first(BusinessTypeInput { code: "W S".into(), name: "W".into(), kind: Some(BusinessKind::B2C) }.validated(), FIELD_CODE).starts_with("Code"));
    assert_eq!(first(BusinessTypeInput { code: "WS".into(), name: "".into(), kind: Some(BusinessKind::B2C) }.validated(), FIELD_NAME), "Please enter the business type's name");
    assert_eq!(first(BusinessTypeInput { code: "WS".into(), name: "W".into(), kind: None }.validated(), FIELD_KIND), "Please choose B2C or B2B");
    for kind in BusinessKind::ALL {
        assert_eq!(BusinessKind::from_code(kind.code()), Some(kind));
    }
}

fn channel() -> ChannelInput {
    ChannelInput {
        warehouse_id: Some(10),
        business_type_id: Some(5),
        code: " ups_2day ".into(),
        carrier: "UPS".into(),
        service_type: "2nd Day Air".into(),
        signature_options: vec![SignatureOption::Adult, SignatureOption::Direct, SignatureOption::Adult],
    }
}

#[test]
fn channels_keep_capital_codes_and_each_option_once() {
    let ok = channel().validated(&refs()).expect("valid");
    assert_eq!(ok.code, "UPS_2DAY");
    assert_eq!(ok.signature_options, vec![SignatureOption::Direct, SignatureOption::Adult]);
    for bad in ["U", "UPS-GND", "UPS GND", &"X".repeat(41)] {
        assert!(first(ChannelInput { code: bad.into(), ..channel() }.validated(&refs()), FIELD_CODE).starts_with("Code: 2 to 40"), "{bad:?}");
    }
}

#[test]
fn self_pickup_channels_take_no_signature_options() {
    assert_eq!(first(ChannelInput { code: "OWN_A".into(), ..channel() }.validated(&refs()), FIELD_SIGNATURE_OPTIONS), MSG_SELF_PICKUP_NO_SIGNATURE);
    // Lower case is the same code.
    assert_eq!(first(ChannelInput { code: "own_a".into(), ..channel() }.validated(&refs()), FIELD_SIGNATURE_OPTIONS), MSG_SELF_PICKUP_NO_SIGNATURE);
    assert!(ChannelInput { code: "OWN_A".into(), signature_options: vec![], ..channel() }.validated(&refs()).is_ok());
    assert!(!channel_takes_signature_options(" amz_a "));
    assert!(channel_takes_signature_options("UPS_AB"));
    assert!(channel_takes_signature_options(""));
}

#[test]
fn channels_need_a_known_warehouse_business_type_carrier_and_service() {
    assert_eq!(first(ChannelInput { warehouse_id: None, ..channel() }.validated(&refs()), FIELD_WAREHOUSE), "Please choose a warehouse");
    assert_eq!(first(ChannelInput { warehouse_id: Some(3), ..channel() }.validated(&refs()), FIELD_WAREHOUSE), "This warehouse does not exist");
    assert_eq!(first(ChannelInput { business_type_id: None, ..channel() }.validated(&refs()), FIELD_BUSINESS), "Please choose a business type");
    assert_eq!(first(ChannelInput { business_type_id: Some(3), ..channel() }.validated(&refs()), FIELD_BUSINESS), "This business type does not exist");
    assert_eq!(first(ChannelInput { carrier: " ".into(), ..channel() }.validated(&refs()), FIELD_CARRIER), "Please enter the carrier");
    assert_eq!(first(ChannelInput { service_type: "".into(), ..channel() }.validated(&refs()), FIELD_SERVICE_TYPE), "Please enter the service type");
}

fn sku() -> SkuInput {
    SkuInput {
        merchant_id: Some(2),
        warehouse_id: Some(10),
        code: " TNT-4P ".into(),
        name: "Four-person Tent".into(),
        barcode: "0860000000031".into(),
        weight_grams: Some(3200),
    }
}

#[test]
fn a_sku_needs_its_merchant_allowed_at_its_warehouse() {
    assert_eq!(sku().validated(&refs()).expect("valid").code, "TNT-4P");
    assert_eq!(
        first(SkuInput { warehouse_id: Some(20), ..sku() }.validated(&refs()), FIELD_WAREHOUSE),
        "Globex may not use NJ1; allow the warehouse on the Merchants page first"
    );
    assert_eq!(first(SkuInput { merchant_id: None, ..sku() }.validated(&refs()), FIELD_MERCHANT), "Please choose a merchant");
    assert_eq!(first(SkuInput { merchant_id: Some(9), ..sku() }.validated(&refs()), FIELD_MERCHANT), "This merchant does not exist");
    assert_eq!(first(SkuInput { warehouse_id: None, ..sku() }.validated(&refs()), FIELD_WAREHOUSE), "Please choose a warehouse");
    assert_eq!(first(SkuInput { warehouse_id: Some(9), ..sku() }.validated(&refs()), FIELD_WAREHOUSE), "This warehouse does not exist");
}

#[test]
fn sku_code_name_barcode_and_weight_are_checked() {
    for bad in ["", "TNT 4P", "TNT/4P", &"X".repeat(41)] {
        assert!(first(SkuInput { code: bad.into(), ..sku() }.validated(&refs()), FIELD_CODE).starts_with("SKU code"), "{bad:?}");
    }
    assert_eq!(first(SkuInput { name: "".into(), ..sku() }.validated(&refs()), FIELD_NAME), "Please enter the product name");
    // The one barcode rule (`validate_gtin`): length, digits and the GS1 check digit.
    for (bad, message) in [
        ("", MSG_BARCODE_REQUIRED),
        ("1234567", MSG_BARCODE_LENGTH),
        ("123456789012345", MSG_BARCODE_LENGTH),
        ("08600000000a1", MSG_BARCODE_DIGITS),
        ("0860 0000 0003", MSG_BARCODE_DIGITS),
        ("12345678", MSG_BARCODE_CHECK_DIGIT),
    ] {
        assert_eq!(first(SkuInput { barcode: bad.into(), ..sku() }.validated(&refs()), FIELD_BARCODE), message, "{bad:?}");
    }
    assert!(SkuInput { barcode: "12345670".into(), ..sku() }.validated(&refs()).is_ok());
    for bad in [None, Some(0), Some(-5), Some(70_001)] {
        assert_eq!(first(SkuInput { weight_grams: bad, ..sku() }.validated(&refs()), FIELD_WEIGHT), "Weight: a whole number of grams from 1 to 70000", "{bad:?}");
    }
    assert!(SkuInput { weight_grams: Some(1), ..sku() }.validated(&refs()).is_ok());
    assert!(SkuInput { weight_grams: Some(70_000), ..sku() }.validated(&refs()).is_ok());
}

#[test]
fn search_text_is_bounded() {
    assert!(validate_search(&"x".repeat(100)).is_ok());
    assert!(validate_search(&"x".repeat(101)).is_err());
}

#[test]
fn roles_say_where_they_belong() {
    let merchant: Vec<Role> = Role::ALL.into_iter().filter(|r| r.belongs_to_merchant()).collect();
    assert_eq!(merchant, vec![Role::MerchantAdmin, Role::MerchantUser]);
    let floor: Vec<Role> = Role::ALL.into_iter().filter(|r| r.works_in_warehouses()).collect();
    assert_eq!(floor, vec![Role::WarehouseLead, Role::WarehousePicker]);
}
