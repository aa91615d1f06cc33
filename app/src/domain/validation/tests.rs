use super::*;
use crate::domain::*;

fn catalog() -> Catalog {
    Catalog {
        warehouses: vec![
            Warehouse { id: 1, code: "LAX1".into(), name: "Los Angeles".into(), country: "US".into(), ..Default::default() },
            Warehouse { id: 2, code: "NJ1".into(), name: "New Jersey".into(), country: "US".into(), ..Default::default() },
        ],
        business_types: vec![
            BusinessType { id: 10, code: "DS".into(), name: "Dropshipping".into(), kind: BusinessKind::B2C },
            BusinessType { id: 11, code: "WS".into(), name: "Wholesale".into(), kind: BusinessKind::B2B },
        ],
        channels: vec![
            Channel {
                id: 100,
                warehouse_id: 1,
                business_type_id: 10,
                code: "USPS_GA".into(),
                carrier: "USPS".into(),
                service_type: "Ground Advantage".into(),
                signature_options: vec![SignatureOption::Direct, SignatureOption::Adult],
            },
            Channel {
                id: 101,
                warehouse_id: 1,
                business_type_id: 10,
                code: "AMZ_A".into(),
                carrier: "Amazon Shipping".into(),
                service_type: "Self pickup".into(),
                signature_options: vec![],
            },
            Channel {
                id: 102,
                warehouse_id: 2,
                business_type_id: 10,
                code: "UPS_GND".into(),
                carrier: "UPS".into(),
                service_type: "Ground".into(),
                signature_options: vec![],
            },
        ],
        skus: vec![
            Sku { id: 1000, warehouse_id: 1, code: "MUG-01".into(), name: "Mug".into(), barcode: "0001".into(), weight_grams: 350 },
            Sku { id: 1001, warehouse_id: 2, code: "TEE-01".into(), name: "Tee".into(), barcode: "0002".into(), weight_grams: 200 },
        ],
    }
}

fn valid_draft() -> OrderDraft {
    OrderDraft {
        warehouse_id: Some(1),
        business_type_id: Some(10),
        platform_order_no: "#1001".into(),
        recipient: Recipient {
            name: "Jane Doe".into(),
            phone: "+1 415 555 0134".into(),
            email: "jane@example.com".into(),
            country: "US".into(),
            state: "CA".into(),
            city: "San Francisco".into(),
            address1: "500 Market St".into(),
            address2: String::new(),
            postal_code: "94105".into(),
        },
        lines: vec![OrderLineDraft { sku_id: 1000, quantity: 2 }],
        channel_id: Some(100),
        signature_option: None,
        tracking_no: String::new(),
        label: None,
    }
}

fn errors_of(draft: &OrderDraft) -> ValidationErrors {
    validate_for_save(draft, &catalog()).expect_err("expected validation errors")
}

#[test]
fn a_complete_order_is_valid() {
    assert_eq!(validate_for_save(&valid_draft(), &catalog()), Ok(()));
}

#[test]
fn no_channel_says_please_select_a_channel() {
    let mut d = valid_draft();
    d.channel_id = None;
    assert_eq!(errors_of(&d).first(FIELD_CHANNEL), Some("Please select a channel"));
}

#[test]
fn no_sku_line_says_please_add_sku() {
    let mut d = valid_draft();
    d.lines.clear();
    assert_eq!(errors_of(&d).first(FIELD_LINES), Some("Please add SKU"));
}

#[test]
fn an_empty_form_reports_every_missing_piece() {
    let e = errors_of(&OrderDraft::default());
    assert_eq!(e.first(FIELD_WAREHOUSE), Some(MSG_SELECT_WAREHOUSE));
    assert_eq!(e.first(FIELD_BUSINESS), Some(MSG_SELECT_BUSINESS));
    assert_eq!(e.first(FIELD_CHANNEL), Some(MSG_SELECT_CHANNEL));
    assert_eq!(e.first(FIELD_LINES), Some(MSG_ADD_SKU));
    assert_eq!(e.first("recipient.country"), Some("Please select a country"));
}

#[test]
fn quantity_must_be_at_least_one() {
    let mut d = valid_draft();
    d.lines[0].quantity = 0;
    assert_eq!(errors_of(&d).first("lines.0"), Some(MSG_QUANTITY_MIN));
    d.lines[0].quantity = -3;
    assert_eq!(errors_of(&d).first("lines.0"), Some(MSG_QUANTITY_MIN));
}

#[test]
fn sku_must_belong_to_the_warehouse() {
    let mut d = valid_draft();
    d.lines.push(OrderLineDraft { sku_id: 1001, quantity: 1 });
    assert_eq!(errors_of(&d).first("lines.1"), Some("SKU TEE-01 is not stocked in the selected warehouse"));
    d.lines[1].sku_id = 999_999;
    assert_eq!(errors_of(&d).first("lines.1"), Some("This SKU is not stocked in the selected warehouse"));
}

#[test]
fn duplicate_sku_lines_are_refused() {
    let mut d = valid_draft();
    d.lines.push(OrderLineDraft { sku_id: 1000, quantity: 1 });
    assert!(errors_of(&d).first("lines.1").is_some_and(|m| m.contains("listed twice")));
}

#[test]
fn channel_must_belong_to_warehouse_and_business() {
    let mut d = valid_draft();
    d.channel_id = Some(102); // NJ1 channel on a LAX1 order
    assert_eq!(errors_of(&d).first(FIELD_CHANNEL), Some(MSG_CHANNEL_NOT_AVAILABLE));
    let mut d = valid_draft();
    d.business_type_id = Some(11);
    assert_eq!(errors_of(&d).first(FIELD_CHANNEL), Some(MSG_CHANNEL_NOT_AVAILABLE));
}

#[test]
fn signature_option_only_if_the_channel_lists_it() {
    let mut d = valid_draft();
    d.signature_option = Some(SignatureOption::Adult);
    assert_eq!(validate_for_save(&d, &catalog()), Ok(()));
    d.signature_option = Some(SignatureOption::Indirect);
    assert_eq!(errors_of(&d).first(FIELD_SIGNATURE), Some(MSG_SIGNATURE_UNSUPPORTED));
}

#[test]
fn self_pickup_needs_tracking_number_and_label() {
    let mut d = valid_draft();
    d.channel_id = Some(101);
    let e = errors_of(&d);
    assert_eq!(e.first(FIELD_TRACKING), Some(MSG_TRACKING_REQUIRED));
    assert_eq!(e.first(FIELD_LABEL), Some(MSG_LABEL_REQUIRED));
    d.tracking_no = "1Z999AA10123456784".into();
    d.label = Some(LabelRef { id: "abc".into(), file_name: "label.pdf".into(), size_bytes: 1000 });
    assert_eq!(validate_for_save(&d, &catalog()), Ok(()));
    d.signature_option = Some(SignatureOption::Direct);
    assert_eq!(errors_of(&d).first(FIELD_SIGNATURE), Some(MSG_SIGNATURE_UNSUPPORTED));
}

#[test]
fn carrier_channels_refuse_a_merchant_tracking_number() {
    let mut d = valid_draft();
    d.tracking_no = "X123".into();
    assert_eq!(errors_of(&d).first(FIELD_TRACKING), Some(MSG_TRACKING_NOT_FOR_CARRIER));
}

#[test]
fn required_recipient_fields_depend_on_country() {
    let mut d = valid_draft();
    d.recipient.state.clear();
    assert_eq!(errors_of(&d).first("recipient.state"), Some("State/Province is required"));
    // UK addresses have no state.
    d.recipient.country = "GB".into();
    d.recipient.postal_code = "SW1A 2AA".into();
    assert_eq!(validate_for_save(&d, &catalog()), Ok(()));
    d.recipient.city.clear();
    d.recipient.name.clear();
    let e = errors_of(&d);
    assert_eq!(e.first("recipient.city"), Some("City is required"));
    assert_eq!(e.first("recipient.name"), Some("Recipient Name is required"));
}

#[test]
fn postal_codes_are_checked_per_country() {
    for (country, good, bad) in [
        ("US", "94105-1234", "9410"),
        ("CA", "K1A 0B1", "12345"),
        ("GB", "EC1A 1BB", "12345"),
        ("DE", "10115", "1011"),
        ("FR", "75002", "7500A"),
        ("AU", "2000", "20000"),
        ("CN", "518057", "51805"),
    ] {
        assert!(postal_code_fits(country, good), "{country} {good}");
        assert!(!postal_code_fits(country, bad), "{country} {bad}");
    }
    let mut d = valid_draft();
    d.recipient.postal_code = "ABCDE".into();
    assert_eq!(errors_of(&d).first("recipient.postal_code"), Some("Postal code is not valid for United States"));
}

#[test]
fn email_and_phone_shapes() {
    let mut d = valid_draft();
    d.recipient.email = "jane at example".into();
    d.recipient.phone = "call me".into();
    let e = errors_of(&d);
    assert_eq!(e.first("recipient.email"), Some("Enter a valid email address"));
    assert_eq!(e.first("recipient.phone"), Some("Enter a valid phone number"));
}

#[test]
fn overlong_text_is_refused() {
    let mut d = valid_draft();
    d.recipient.address1 = "x".repeat(201);
    assert!(errors_of(&d).first("recipient.address1").is_some_and(|m| m.contains("too long")));
}

#[test]
fn trimming_makes_blank_fields_empty() {
    let mut d = valid_draft();
    d.recipient.name = "   ".into();
    d.recipient.country = " us ".into();
    let d = d.trimmed();
    assert_eq!(d.recipient.name, "");
    assert_eq!(d.recipient.country, "US");
}

#[test]
fn label_file_checks() {
    assert_eq!(validate_label_file("label.PDF", 1000), Ok(()));
    assert_eq!(validate_label_file("label.png", 1000), Err(MSG_LABEL_NOT_PDF.into()));
    assert_eq!(validate_label_file("label.pdf", 0), Err(MSG_LABEL_EMPTY.into()));
    assert_eq!(validate_label_file("label.pdf", MAX_LABEL_BYTES + 1), Err(MSG_LABEL_TOO_LARGE.into()));
}
