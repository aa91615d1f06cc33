use super::*;
use crate::domain::{BusinessKind, BusinessType, Channel, Sku, Warehouse};

#[test]
fn money_strings_become_exact_minor_units() {
    assert_eq!(parse_money_minor("409.94", "USD"), Ok(40994));
    assert_eq!(parse_money_minor("0.10", "USD"), Ok(10));
    assert_eq!(parse_money_minor("199.0", "USD"), Ok(19900));
    assert_eq!(parse_money_minor("12", "EUR"), Ok(1200));
    assert_eq!(parse_money_minor("-3.34", "USD"), Ok(-334));
    assert_eq!(parse_money_minor("1200", "JPY"), Ok(1200));
    assert_eq!(parse_money_minor("1200.00", "JPY"), Ok(1200));
    assert_eq!(parse_money_minor("1.234", "KWD"), Ok(1234));
    // 0.1 + 0.2 style float errors cannot happen: every digit is kept.
    assert_eq!(parse_money_minor("92233720368547758.07", "USD"), Ok(i64::MAX));
    assert!(parse_money_minor("1.005", "USD").is_err());
    assert!(parse_money_minor("12.5", "JPY").is_err());
    assert!(parse_money_minor("", "USD").is_err());
    assert!(parse_money_minor("1,000.00", "USD").is_err());
    assert!(parse_money_minor("1e3", "USD").is_err());
    assert!(parse_money_minor("99999999999999999999", "USD").is_err());
}

#[test]
fn b2b_orders_are_recognised_by_tags_or_source() {
    assert_eq!(classify_order("", "", "web"), OrderKind::B2C);
    assert_eq!(classify_order("gift, B2B", "", "web"), OrderKind::B2B);
    assert_eq!(classify_order("", "VIP, Wholesale", "web"), OrderKind::B2B);
    assert_eq!(classify_order("", "", "wholesale"), OrderKind::B2B);
    assert_eq!(classify_order("b2bish", "", "web"), OrderKind::B2C);
}

fn state(status: PlatformStatus, kind: OrderKind) -> PlatformOrderState {
    PlatformOrderState { status, kind, writeback_failed: false, accepted_units: 0, has_dropship_order: false }
}

#[test]
fn actions_follow_status_and_kind() {
    use PlatformStatus::*;
    assert!(PlatformAction::Dispatch.allowed(&state(Pending, OrderKind::B2C)));
    assert!(!PlatformAction::Dispatch.allowed(&state(Processing, OrderKind::B2C)));
    assert!(!PlatformAction::Dispatch.allowed(&state(Pending, OrderKind::B2B)));
    assert_eq!(
        PlatformAction::Dispatch.refusal(&state(Pending, OrderKind::B2B)),
        "Acknowledge this B2B order before dispatching it"
    );
    let acknowledged = PlatformOrderState { accepted_units: 3, ..state(Acknowledged, OrderKind::B2B) };
    assert!(PlatformAction::Dispatch.allowed(&acknowledged));
    assert!(!PlatformAction::Dispatch.allowed(&PlatformOrderState { has_dropship_order: true, ..acknowledged }));
    let all_rejected = state(Acknowledged, OrderKind::B2B);
    assert!(!PlatformAction::Dispatch.allowed(&all_rejected));
    assert_eq!(PlatformAction::Dispatch.refusal(&all_rejected), "Every line was rejected; there is nothing to dispatch");
    assert!(PlatformAction::Acknowledge.allowed(&state(Pending, OrderKind::B2B)));
    assert!(!PlatformAction::Acknowledge.allowed(&state(Pending, OrderKind::B2C)));
    assert!(!PlatformAction::MarkShipped.allowed(&state(Processing, OrderKind::B2C)));
    assert!(PlatformAction::MarkShipped.allowed(&PlatformOrderState { writeback_failed: true, ..state(Processing, OrderKind::B2C) }));
    for s in [Completed, Cancelled, ManualCompleted, Shipped] {
        assert!(!PlatformAction::ManualShip.allowed(&state(s, OrderKind::B2C)), "{s:?}");
        assert!(!PlatformAction::Cancel.allowed(&state(s, OrderKind::B2C)), "{s:?}");
    }
    assert!(PlatformAction::Cancel.allowed(&state(Processing, OrderKind::B2C)));
}

fn imported(cancelled: bool, fulfillment: &str) -> ImportedOrder {
    ImportedOrder {
        platform_order_id: 1,
        order_no: "#1001".into(),
        source_channel: "web".into(),
        kind: OrderKind::B2C,
        currency: "USD".into(),
        total_minor: 100,
        subtotal_minor: 100,
        tax_minor: 0,
        shipping_minor: 0,
        discount_minor: 0,
        financial_status: "paid".into(),
        payment_gateway: "".into(),
        fulfillment_status: fulfillment.into(),
        cancelled,
        ordered_at_ms: 0,
        platform_updated_at_ms: 0,
        recipient: Recipient::default(),
        lines: vec![],
    }
}

#[test]
fn sync_follows_the_platform_without_undoing_local_work() {
    use PlatformStatus::*;
    assert_eq!(status_after_sync(Pending, &imported(true, "")), Cancelled);
    assert_eq!(status_after_sync(Processing, &imported(true, "")), Cancelled);
    assert_eq!(status_after_sync(Shipped, &imported(true, "fulfilled")), Completed);
    assert_eq!(status_after_sync(Shipped, &imported(false, "")), Shipped);
    assert_eq!(status_after_sync(ManualCompleted, &imported(false, "")), ManualCompleted);
    assert_eq!(status_after_sync(Pending, &imported(false, "partial")), PartiallyShipped);
    assert_eq!(initial_status(&imported(false, "")), Pending);
    assert_eq!(initial_status(&imported(true, "")), Cancelled);
    assert_eq!(initial_status(&imported(false, "fulfilled")), Completed);
}

#[test]
fn sync_requests_are_checked() {
    assert!(SyncMode::TimeRange { from_ms: 10, to_ms: 10 }.validated().is_err());
    assert!(SyncMode::TimeRange { from_ms: 0, to_ms: MAX_SYNC_RANGE_MS + 1 }.validated().is_err());
    assert!(SyncMode::TimeRange { from_ms: 0, to_ms: 1000 }.validated().is_ok());
    assert_eq!(
        SyncMode::OrderNumbers(vec!["1001, #1002\n1001  1003".into()]).validated(),
        Ok(SyncMode::OrderNumbers(vec!["#1001".into(), "#1002".into(), "#1003".into()]))
    );
    assert!(SyncMode::OrderNumbers(vec![" , ".into()]).validated().is_err());
    let many = (0..=MAX_ORDER_NUMBERS).map(|n| n.to_string()).collect::<Vec<_>>();
    assert!(SyncMode::OrderNumbers(many).validated().is_err());
}

#[test]
fn store_input_needs_a_shopify_domain_and_token() {
    let ok = StoreInput { name: " Demo ".into(), shop_domain: "https://Demo-Shop.myshopify.com/".into(), access_token: "shpat_12345678".into(), auto_sync: true };
    let v = ok.validated().expect("valid");
    assert_eq!(v.shop_domain, "demo-shop.myshopify.com");
    assert_eq!(v.name, "Demo");
    let bad = StoreInput { name: "".into(), shop_domain: "evil.com".into(), access_token: "x".into(), auto_sync: false };
    let e = bad.validated().expect_err("invalid");
    assert!(e.first("name").is_some() && e.first("shop_domain").is_some() && e.first("access_token").is_some());
}

fn catalog() -> Catalog {
    Catalog {
        warehouses: vec![
            Warehouse { id: 1, code: "LAX1".into(), name: "LA".into(), address1: "".into(), city: "".into(), state: "".into(), postal_code: "".into(), country: "US".into() },
        ],
        business_types: vec![BusinessType { id: 7, code: "DS".into(), name: "Dropshipping".into(), kind: BusinessKind::B2C }],
        channels: vec![Channel { id: 3, warehouse_id: 1, business_type_id: 7, code: "USPS".into(), carrier: "USPS".into(), service_type: "Ground".into(), signature_options: vec![] }],
        skus: vec![Sku { id: 11, warehouse_id: 1, code: "MUG".into(), name: "Mug".into(), barcode: "".into(), weight_grams: 300 }],
    }
}

fn detail(kind: OrderKind, lines: Vec<PlatformLine>) -> PlatformOrderDetail {
    PlatformOrderDetail {
        summary: PlatformOrderSummary {
            id: 1,
            store_id: 1,
            store_name: "Demo".into(),
            order_no: "#1001".into(),
            source_channel: "web".into(),
            kind,
            status: PlatformStatus::Pending,
            total_minor: 0,
            currency: "USD".into(),
            wms_shipping_cost_minor: None,
            ordered_at_ms: 0,
            warehouse_name: "".into(),
            recipient_name: "Bob".into(),
            tracking_no: "".into(),
            exception: "".into(),
            dropship_order_id: None,
            writeback_failed: false,
            accepted_units: 0,
        },
        platform_order_id: 450789469,
        financial_status: "paid".into(),
        payment_gateway: "".into(),
        subtotal_minor: 0,
        tax_minor: 0,
        shipping_minor: 0,
        discount_minor: 0,
        recipient: Recipient {
            name: "Bob Norman".into(),
            phone: "555-625-1199".into(),
            email: "".into(),
            country: "US".into(),
            state: "KY".into(),
            city: "Louisville".into(),
            address1: "Chestnut Street 92".into(),
            address2: "".into(),
            postal_code: "40202".into(),
        },
        lines,
        warehouse_id: None,
        carrier: "".into(),
        service_type: "".into(),
    }
}

fn line(id: i64, sku: &str, qty: i64) -> PlatformLine {
    PlatformLine {
        line_id: id,
        platform_sku: sku.into(),
        title: sku.into(),
        quantity: qty,
        fulfillable_quantity: qty,
        price_minor: 100,
        requires_shipping: true,
        warehouse_sku: None,
        accepted_quantity: None,
        reject_reason: "".into(),
    }
}

#[test]
fn dispatch_builds_a_draft_or_names_the_problem() {
    let cat = catalog();
    let request = DispatchRequest { warehouse_id: Some(1), channel_id: Some(3), ..Default::default() };
    let order = detail(OrderKind::B2C, vec![line(1, "IPOD-GREEN", 2), line(2, "IPOD-RED", 1)]);
    let mut mappings = BTreeMap::new();
    mappings.insert("IPOD-GREEN".to_string(), "MUG".to_string());
    assert_eq!(dispatch_draft(&order, &request, &mappings, &cat), Err("SKU [IPOD-RED] not mapped to a warehouse SKU".into()));
    // A binding chosen in the dialog counts like a saved mapping; both lines land on one SKU.
    let bound = DispatchRequest { bindings: [("IPOD-RED".to_string(), "MUG".to_string())].into(), ..request.clone() };
    let draft = dispatch_draft(&order, &bound, &mappings, &cat).expect("draft");
    assert_eq!(draft.lines, vec![OrderLineDraft { sku_id: 11, quantity: 3 }]);
    assert_eq!(draft.business_type_id, Some(7));
    assert_eq!(draft.platform_order_no, "#1001");
    assert!(crate::domain::validate_for_save(&draft, &cat).is_ok());

    let mut no_city = order.clone();
    no_city.recipient.city = " ".into();
    no_city.recipient.postal_code = "".into();
    assert_eq!(dispatch_draft(&no_city, &bound, &mappings, &cat), Err("Recipient address is missing: City, Postal Code".into()));

    let mut nothing = order.clone();
    nothing.lines.iter_mut().for_each(|l| l.requires_shipping = false);
    assert_eq!(dispatch_draft(&nothing, &bound, &mappings, &cat), Err(MSG_NO_SHIPPABLE_ITEMS.into()));

    let mut elsewhere = mappings.clone();
    elsewhere.insert("IPOD-RED".into(), "NOT-HERE".into());
    assert!(dispatch_draft(&order, &request, &elsewhere, &cat).expect_err("unstocked").contains("not stocked"));
}

#[test]
fn bindings_must_be_for_the_order_and_name_a_warehouse_sku() {
    let cat = catalog();
    let order = detail(OrderKind::B2C, vec![line(1, "IPOD-GREEN", 2)]);
    let ok: BTreeMap<String, String> = [("IPOD-GREEN".to_string(), "MUG".to_string())].into();
    assert_eq!(validate_bindings(&order, &ok, &cat), Ok(()));
    let foreign: BTreeMap<String, String> = [("x".repeat(100_000), "MUG".to_string()), ("OTHER".to_string(), "MUG".to_string())].into();
    let e = validate_bindings(&order, &foreign, &cat).expect_err("not on the order");
    assert_eq!(e.fields["bindings"].len(), 1, "said once: {e:?}");
    let unknown: BTreeMap<String, String> = [("IPOD-GREEN".to_string(), "NOPE".to_string())].into();
    assert!(validate_bindings(&order, &unknown, &cat).expect_err("unknown SKU").first("bindings.IPOD-GREEN").is_some());
}

#[test]
fn b2b_dispatch_sends_accepted_units_only() {
    let mut a = line(1, "A", 5);
    a.accepted_quantity = Some(2);
    let mut b = line(2, "B", 4);
    b.accepted_quantity = Some(0);
    let order = detail(OrderKind::B2B, vec![a, b]);
    assert_eq!(shippable_units(&order), vec![("A".to_string(), 2)]);
}

#[test]
fn acknowledgment_cannot_exceed_stock_and_rejections_need_reasons() {
    let lines = vec![
        AckLineView { line_id: 1, platform_sku: "A".into(), title: "A".into(), ordered: 5, warehouse_sku: Some("MUG".into()), available: 3 },
        AckLineView { line_id: 2, platform_sku: "B".into(), title: "B".into(), ordered: 2, warehouse_sku: None, available: 0 },
    ];
    let answer = |id, accepted, reason: &str| AckLineInput { line_id: id, accepted, reason: reason.into() };
    let ok = validate_acknowledgment(&lines, &[answer(1, 3, "short stock"), answer(2, 0, "not mapped")]).expect("valid");
    assert_eq!(ok.len(), 2);
    let e = validate_acknowledgment(&lines, &[answer(1, 4, "x"), answer(2, 0, "")]).expect_err("invalid");
    assert_eq!(e.first("line.1"), Some("Only 3 available for A"));
    assert_eq!(e.first("line.2"), Some("Please give a reason for the rejected quantity"));
    let e = validate_acknowledgment(&lines, &[answer(1, -1, "x")]).expect_err("invalid");
    assert!(e.first("line.1").is_some() && e.first("line.2").is_some());
    assert!(validate_acknowledgment(&lines, &[answer(1, 3, "x"), answer(2, 0, "x"), answer(9, 1, "")]).is_err());
}

#[test]
fn manual_ship_needs_tracking_and_channel() {
    let e = ManualShipInput::default().validated().expect_err("invalid");
    assert_eq!(e.first("tracking_no"), Some("Please enter the tracking number"));
    assert_eq!(e.first("channel"), Some("Please choose or type the shipping channel"));
    let ok = ManualShipInput { tracking_no: " 1Z999 ".into(), channel: "UPS".into(), service_type: "".into() }.validated().expect("valid");
    assert_eq!(ok.tracking_no, "1Z999");
}
