//! Pure parts of the Shopify client: order import, Link headers, error texts, time windows.

use super::*;
use app::domain::OrderKind;

/// A minimal order in Shopify's shape; tests change what they need.
fn order(id: i64, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "currency": "USD",
        "created_at": "2024-03-01T09:30:00-05:00",
        "updated_at": "2024-03-02T10:00:00Z",
        "total_price": "25.50",
        "subtotal_price": "20.00",
        "total_tax": "1.50",
        "total_discounts": "0.00",
        "shipping_lines": [{ "price": "2.00" }, { "price": "2.00" }],
        "source_name": "web",
        "tags": "",
        "customer": { "tags": "" },
        "financial_status": "paid",
        "gateway": null,
        "payment_gateway_names": ["shopify_payments", "gift_card"],
        "fulfillment_status": null,
        "cancelled_at": null,
        "email": "",
        "contact_email": "kim@example.com",
        "phone": "+15550001111",
        "shipping_address": {
            "first_name": "Kim", "last_name": "Lee", "name": null, "phone": null,
            "address1": "1 Main St", "address2": null, "city": "Austin",
            "province_code": "TX", "country_code": "us", "zip": "78701"
        },
        "line_items": [
            { "id": 11, "sku": "MUG-1", "title": "Mug", "name": null, "quantity": 2, "price": "10.00" },
            { "id": 12, "sku": null, "title": "Gift card", "quantity": 1, "fulfillable_quantity": 0,
              "price": "0.00", "requires_shipping": false }
        ]
    })
}

#[test]
fn imports_money_recipient_and_lines_exactly() {
    let o = import_order(&order(7, "#1007")).expect("imports");
    assert_eq!((o.platform_order_id, o.order_no.as_str(), o.currency.as_str()), (7, "#1007", "USD"));
    assert_eq!((o.total_minor, o.subtotal_minor, o.tax_minor, o.discount_minor), (2550, 2000, 150, 0));
    assert_eq!(o.shipping_minor, 400, "no total_shipping_price_set: shipping_lines summed");
    assert_eq!(o.payment_gateway, "shopify_payments, gift_card");
    assert_eq!(o.fulfillment_status, "");
    assert!(!o.cancelled);
    assert_eq!(o.kind, OrderKind::B2C);
    assert_eq!(o.ordered_at_ms, 1_709_303_400_000, "09:30 at -05:00 is 14:30 UTC");
    assert_eq!(o.platform_updated_at_ms, 1_709_373_600_000);
    let r = &o.recipient;
    assert_eq!((r.name.as_str(), r.phone.as_str(), r.email.as_str()), ("Kim Lee", "+15550001111", "kim@example.com"));
    assert_eq!((r.country.as_str(), r.state.as_str(), r.city.as_str(), r.postal_code.as_str()), ("US", "TX", "Austin", "78701"));
    assert_eq!(r.address2, "");
    assert_eq!(o.lines.len(), 2);
    assert_eq!(o.lines[0], ImportedLine {
        platform_line_id: 11,
        platform_sku: "MUG-1".into(),
        title: "Mug".into(),
        quantity: 2,
        fulfillable_quantity: 2,
        price_minor: 1000,
        requires_shipping: true,
    });
    assert_eq!((o.lines[1].platform_sku.as_str(), o.lines[1].fulfillable_quantity, o.lines[1].requires_shipping), ("", 0, false));
}

#[test]
fn shipping_set_wins_over_shipping_lines_and_b2b_is_recognised() {
    let mut v = order(8, "#1008");
    v["total_shipping_price_set"] = json!({ "shop_money": { "amount": "7.25", "currency_code": "USD" } });
    v["customer"]["tags"] = json!("VIP, Wholesale");
    v["cancelled_at"] = json!("2024-03-03T00:00:00Z");
    let o = import_order(&v).expect("imports");
    assert_eq!(o.shipping_minor, 725);
    assert_eq!(o.kind, OrderKind::B2B);
    assert!(o.cancelled);

    let mut v = order(9, "#1009");
    v["source_name"] = json!("wholesale");
    assert_eq!(import_order(&v).expect("imports").kind, OrderKind::B2B);
}

#[test]
fn a_bad_order_fails_alone_with_a_reason_naming_it() {
    let mut bad_money = order(2, "#1002");
    bad_money["total_price"] = json!("12,50");
    let mut bad_line = order(3, "#1003");
    bad_line["line_items"][0]["price"] = json!("1.005");
    let mut no_id = order(4, "#1004");
    no_id.as_object_mut().expect("object").remove("id");
    let mut bad_time = order(5, "#1005");
    bad_time["updated_at"] = json!("yesterday");
    let page = vec![order(1, "#1001"), bad_money, bad_line, no_id, bad_time, order(6, "#1006")];

    let results = import_orders(&page);
    assert_eq!(results.len(), 6);
    assert_eq!(results[0].as_ref().map(|o| o.order_no.as_str()), Ok("#1001"));
    assert_eq!(results[5].as_ref().map(|o| o.order_no.as_str()), Ok("#1006"));
    let err = |i: usize| results[i].as_ref().err().cloned().unwrap_or_default();
    assert!(err(1).starts_with("order #1002: total_price:") && err(1).contains("12,50"), "{}", err(1));
    assert!(err(2).contains("#1003") && err(2).contains("line 11 price") && err(2).contains("more decimals"), "{}", err(2));
    assert!(err(3).contains("#1004") && err(3).contains("id"), "{}", err(3));
    assert!(err(4).contains("#1005") && err(4).contains("updated_at"), "{}", err(4));
}

#[test]
fn link_header_next_page_info() {
    let both = r#"<https://shop.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=PREV1>; rel="previous", <https://shop.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=NEXT%3D2>; rel="next""#;
    assert_eq!(next_page_info(both).as_deref(), Some("NEXT=2"));
    let only_prev = r#"<https://x/orders.json?page_info=P>; rel="previous""#;
    assert_eq!(next_page_info(only_prev), None);
    assert_eq!(next_page_info(r#"</orders.json?limit=5&page_info=abc>; rel=next"#).as_deref(), Some("abc"));
    assert_eq!(next_page_info(""), None);
    assert_eq!(next_page_info("garbage <no close"), None);
}

#[test]
fn error_texts_are_flattened() {
    let msg = |body: &str| error_message(StatusCode::UNPROCESSABLE_ENTITY, body.as_bytes());
    assert_eq!(msg(r#"{"errors":"Not Found"}"#), "Not Found");
    assert_eq!(msg(r#"{"errors":["a","b"]}"#), "a, b");
    assert_eq!(msg(r#"{"errors":{"base":["Order is cancelled"],"line_items":["is invalid","too many"]}}"#), "Order is cancelled; line_items: is invalid, too many");
    assert_eq!(msg(r#"{"error":"Order has already been cancelled"}"#), "Order has already been cancelled");
    assert_eq!(msg("<html>oops</html>"), "<html>oops</html>");
    assert_eq!(msg(""), "Shopify answered 422 Unprocessable Entity");
}

#[test]
fn retry_after_reads_fractional_seconds_and_caps() {
    let with = |v: &str| {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, v.parse().expect("header value"));
        retry_after(&h)
    };
    assert_eq!(with("2.0"), Duration::from_secs(2));
    assert_eq!(with("0.25"), Duration::from_millis(250));
    assert_eq!(with("86400"), MAX_RETRY_AFTER);
    assert_eq!(with("soon"), DEFAULT_RETRY_AFTER);
    assert_eq!(retry_after(&HeaderMap::new()), DEFAULT_RETRY_AFTER);
}

#[test]
fn time_window_is_half_open_at_whole_seconds() {
    // [12:00:00.000, 13:00:00.000) → 12:00:00 … 12:59:59
    let from = 1_714_564_800_000;
    assert_eq!(
        window_params(from, from + 3_600_000).expect("formats"),
        ("2024-05-01T12:00:00Z".to_string(), "2024-05-01T12:59:59Z".to_string())
    );
    // A start inside a second begins at the next whole second; an end inside one includes it.
    assert_eq!(
        window_params(from + 1, from + 1_500).expect("formats"),
        ("2024-05-01T12:00:01Z".to_string(), "2024-05-01T12:00:01Z".to_string())
    );
    assert_eq!(parse_time_ms("2008-01-10T11:00:00-05:00"), Ok(1_199_980_800_000));
}

#[test]
fn urls_for_real_shopify_and_the_sandbox() {
    let store = |domain: &str| StoreCredentials { store_id: 1, shop_domain: domain.into(), access_token: "t".into() };
    let real = HttpShopify::new(ShopifyConfig::default()).expect("client");
    let url = real.url(&store("Acme.myshopify.com"), &["orders", "5", "cancel.json"]).expect("url");
    assert_eq!(url.as_str(), "https://acme.myshopify.com/admin/api/2024-10/orders/5/cancel.json");
    let sandbox = HttpShopify::new(ShopifyConfig::sandbox("http://127.0.0.1:9/")).expect("client");
    let url = sandbox.url(&store("acme.myshopify.com"), &["shop.json"]).expect("url");
    assert_eq!(url.as_str(), "http://127.0.0.1:9/acme.myshopify.com/admin/api/2024-10/shop.json");
    for bad in ["evil.com/x?", "a@evil.com", "", "..", "shop .myshopify.com"] {
        assert!(matches!(real.url(&store(bad), &["shop.json"]), Err(PlatformError::Permanent(_))), "{bad:?} refused");
    }
}

#[test]
fn fulfillment_body_is_shopify_shaped() {
    let f = FulfillmentRequest {
        platform_order_id: 5,
        tracking_no: " 1Z999 ".into(),
        carrier: "UPS".into(),
        service_type: "Ground".into(),
        lines: vec![(11, 2), (12, 1)],
    };
    assert_eq!(
        fulfillment_body(&f),
        json!({ "fulfillment": {
            "tracking_number": "1Z999", "tracking_numbers": ["1Z999"], "tracking_company": "UPS",
            "shipping_method": "Ground", "notify_customer": true,
            "line_items": [{ "id": 11, "quantity": 2 }, { "id": 12, "quantity": 1 }]
        }})
    );
}

#[test]
fn a_listing_page_in_json_text_imports_like_values_and_keeps_the_reasons() {
    let mut bad_money = order(2, "#1002");
    bad_money["total_price"] = json!("12,50");
    let mut no_id = order(4, "#1004");
    no_id.as_object_mut().expect("object").remove("id");
    let page = vec![order(1, "#1001"), bad_money, no_id];
    let text = serde_json::to_string(&json!({ "orders": page })).expect("json");
    let listing: OrdersPageOut = serde_json::from_str(&text).expect("listing");
    let from_text: Vec<_> = listing.orders.iter().map(|raw| import_raw_order(raw)).collect();
    assert_eq!(from_text, import_orders(&page));
    assert!(from_text[1].as_ref().is_err_and(|e| e.starts_with("order #1002: total_price:")), "{from_text:?}");
}

/// The field names a `Deserialize` struct asks for, as serde's derive passes them to
/// `deserialize_struct`.
fn struct_fields<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
    struct Names(std::cell::Cell<&'static [&'static str]>);
    impl<'de> serde::Deserializer<'de> for &Names {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only structs"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(serde::de::Error::custom("names taken"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
            newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let names = Names(std::cell::Cell::new(&[]));
    let _ = T::deserialize(&names);
    names.0.get().to_vec()
}

#[test]
fn a_listing_asks_for_exactly_the_fields_the_import_reads() {
    let mut asked: Vec<&str> = ORDER_FIELDS.split(',').collect();
    let mut read = struct_fields::<OrderIn>();
    asked.sort_unstable();
    read.sort_unstable();
    assert!(read.len() > 20, "{read:?}");
    assert_eq!(asked, read);
}

#[tokio::test]
async fn the_sandbox_listing_sends_only_the_fields_asked_for() {
    let (addr, shop) = crate::sandbox::shopify::start_sandbox_store("127.0.0.1:0".parse().expect("addr")).await.expect("sandbox");
    shop.add_shop("a.myshopify.com", "t", "A");
    let spec = crate::sandbox::shopify::OrderSpec::new(&["MUG-CER-11", "TWL-BTH-GRY"]);
    shop.generate_orders("a.myshopify.com", 5, &spec).expect("generated");
    let url = format!("http://{addr}/a.myshopify.com/admin/api/{API_VERSION}/orders.json?status=any&fields=id,name");
    let body: Value = reqwest::Client::new().get(url).header("X-Shopify-Access-Token", "t").send().await.expect("sent").json().await.expect("json");
    let orders = body["orders"].as_array().expect("orders");
    assert_eq!(orders.len(), 5);
    for o in orders {
        let keys: Vec<&String> = o.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["id", "name"], "{o}");
    }
}
