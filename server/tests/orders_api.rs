//! Server functions over real HTTP against SQLite and PostgreSQL: the save / submit /
//! intercept / wave rules, tenant scoping, labels and keyset pagination.

mod common;

use app::domain::*;
use common::{Backend, Client, TestApp};
use serde_json::json;

const MERCHANT: &str = "merchant@demo.test";
const OTHER_MERCHANT: &str = "globex@demo.test";
const WAREHOUSE: &str = "warehouse@demo.test";
const NJ_WAREHOUSE: &str = "nj@demo.test";

async fn catalog(c: &Client) -> Catalog {
    c.call("orders/catalog", json!({})).await.ok()
}

fn channel(cat: &Catalog, warehouse: &str, code: &str) -> Channel {
    let w = cat.warehouses.iter().find(|w| w.code == warehouse).expect("warehouse");
    cat.channels.iter().find(|c| c.warehouse_id == w.id && c.code == code).expect("channel").clone()
}

/// A complete order on `channel_code` at LAX1 (Dropshipping).
fn valid_draft(cat: &Catalog, channel_code: &str) -> OrderDraft {
    let ch = channel(cat, "LAX1", channel_code);
    let sku = cat.skus_in(ch.warehouse_id).next().expect("a SKU");
    OrderDraft {
        warehouse_id: Some(ch.warehouse_id),
        business_type_id: Some(ch.business_type_id),
        platform_order_no: "#T-1".into(),
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
        lines: vec![OrderLineDraft { sku_id: sku.id, quantity: 2 }],
        channel_id: Some(ch.id),
        signature_option: None,
        tracking_no: String::new(),
        label: None,
    }
}

async fn status_of(c: &Client, id: OrderId) -> OrderStatus {
    let detail: OrderDetail = c.call("orders/get", json!({ "id": id })).await.ok();
    detail.status
}

async fn signed_out_callers_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let anon = app.anonymous();
    let reply = anon.call("orders/list", json!({ "query": OrderListQuery::default() })).await;
    assert_eq!(reply.status, 401, "{:?}", reply.body);
    let reply = anon.call("orders/save", json!({ "id": null, "draft": OrderDraft::default() })).await;
    assert_eq!(reply.status, 401);
    // A warehouse user is not a merchant.
    let wh = app.client(WAREHOUSE).await;
    assert_eq!(wh.call("orders/catalog", json!({})).await.status, 403);
    // Wrong password.
    let res = anon
        .http
        .post(anon.url("/api/auth/login"))
        .form(&[("email", MERCHANT), ("password", "wrong")])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 409);
    app.drop_database().await;
}

/// A payload posted straight to the server function, skipping the form, gets exactly the
/// errors the form computes with the same domain function.
async fn server_gives_the_same_errors_as_the_form(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let cat = catalog(&c).await;

    let mut no_channel = valid_draft(&cat, "USPS_GA");
    no_channel.channel_id = None;
    let mut no_sku = valid_draft(&cat, "USPS_GA");
    no_sku.lines.clear();
    let mut bad_signature = valid_draft(&cat, "USPS_GA");
    bad_signature.signature_option = Some(SignatureOption::Indirect);
    let mut self_pickup_missing = valid_draft(&cat, "AMZ_A");
    self_pickup_missing.recipient.state.clear();
    let mut foreign_sku = valid_draft(&cat, "USPS_GA");
    let nj = cat.warehouses.iter().find(|w| w.code == "NJ1").expect("NJ1");
    foreign_sku.lines[0].quantity = 0;
    foreign_sku.channel_id = Some(channel(&cat, "NJ1", "UPS_GND").id);
    foreign_sku.lines.push(OrderLineDraft { sku_id: cat.skus_in(nj.id).next().expect("sku").id, quantity: 1 });

    for draft in [OrderDraft::default(), no_channel, no_sku, bad_signature, self_pickup_missing, foreign_sku] {
        let expected = validate_for_save(&draft.clone().trimmed(), &cat).expect_err("draft is invalid");
        let reply = c.save(None, &draft).await;
        let got: ValidationErrors = serde_json::from_value(json!({ "fields": reply.validation() })).expect("errors");
        assert_eq!(got, expected);
    }
    let reply = c.save(None, &{
        let mut d = valid_draft(&cat, "USPS_GA");
        d.channel_id = None;
        d
    })
    .await;
    assert_eq!(reply.validation()["channel"], json!(["Please select a channel"]));
    let reply = c.save(None, &{
        let mut d = valid_draft(&cat, "USPS_GA");
        d.lines.clear();
        d
    })
    .await;
    assert_eq!(reply.validation()["lines"], json!(["Please add SKU"]));

    // Nothing was written by any of those.
    let page: OrderPage = c.call("orders/list", json!({ "query": { "search": "#T-1" } })).await.ok();
    assert!(page.rows.is_empty());

    // Malformed payloads are a clear 4xx, not a crash.
    let reply = c.call("orders/save", json!({ "id": "x", "draft": 5 })).await;
    assert!((400..500).contains(&reply.status), "{reply:?}");
    app.drop_database().await;
}

async fn order_lifecycle_save_submit_intercept_wave(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let cat = catalog(&c).await;

    let mut draft = valid_draft(&cat, "USPS_GA");
    draft.signature_option = Some(SignatureOption::Adult);
    let id: OrderId = c.save(None, &draft).await.ok();
    let detail: OrderDetail = c.call("orders/get", json!({ "id": id })).await.ok();
    assert_eq!(detail.status, OrderStatus::Draft);
    assert_eq!(detail.draft, draft);
    assert_eq!(detail.events.len(), 1);
    assert_eq!(detail.events[0].action, OrderAction::Create);
    assert_eq!(detail.events[0].actor, "Alice Chen");

    // Edit while Draft.
    draft.lines[0].quantity = 5;
    let same: OrderId = c.save(Some(id), &draft).await.ok();
    assert_eq!(same, id);

    let s: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();
    assert_eq!(s, OrderStatus::Submitted);
    // Submitted orders can be neither submitted again nor edited.
    let msg = c.call("orders/submit", json!({ "id": id })).await.conflict();
    assert_eq!(msg, "Submitted to warehouse is not possible for an order in status Submitted");
    let msg = c.save(Some(id), &draft).await.conflict();
    assert_eq!(msg, "Only Draft orders can be edited; this order is Submitted");

    let s: OrderStatus = c.call("orders/intercept", json!({ "id": id })).await.ok();
    assert_eq!(s, OrderStatus::Draft);
    let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();

    // Warehouse waves it; now intercept is refused and nothing changes.
    let wh = app.client(WAREHOUSE).await;
    let queue: Vec<OrderSummary> = wh.call("floor/wave-queue", json!({ "filter": {} })).await.ok();
    assert!(queue.iter().any(|o| o.id == id));
    let s: OrderStatus = wh.call("floor/wave", json!({ "id": id })).await.ok();
    assert_eq!(s, OrderStatus::Waved);
    let msg = c.call("orders/intercept", json!({ "id": id })).await.conflict();
    assert_eq!(msg, "This order can no longer be intercepted: the warehouse has already waved it");
    assert_eq!(status_of(&c, id).await, OrderStatus::Waved);

    let detail: OrderDetail = c.call("orders/get", json!({ "id": id })).await.ok();
    let actions: Vec<OrderAction> = detail.events.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [OrderAction::Create, OrderAction::Edit, OrderAction::Submit, OrderAction::Intercept, OrderAction::Submit, OrderAction::Wave]
    );
    assert_eq!(detail.events.last().map(|e| e.actor.as_str()), Some("Walt Rivera"));
    app.drop_database().await;
}

/// Wave and intercept racing for the same order: exactly one wins, every time.
async fn concurrent_wave_and_intercept_never_both_win(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let cat = catalog(&c).await;
    for _ in 0..5 {
        let id: OrderId = c.save(None, &valid_draft(&cat, "UPS_GND")).await.ok();
        let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();
        let mut tasks = Vec::new();
        for i in 0..6 {
            let (client, endpoint) = if i % 2 == 0 { (c.clone(), "orders/intercept") } else { (wh.clone(), "floor/wave") };
            tasks.push(tokio::spawn(async move { client.call(endpoint, json!({ "id": id })).await }));
        }
        let mut replies = Vec::new();
        for t in tasks {
            replies.push(t.await.expect("task"));
        }
        let winners = replies.iter().filter(|r| r.status == 200).count();
        assert_eq!(winners, 1, "{replies:?}");
        assert!(replies.iter().all(|r| r.status == 200 || r.status == 409), "{replies:?}");
    }
    app.drop_database().await;
}

/// Other merchants' orders and other warehouses' orders answer 404, and nothing changes.
async fn tenants_and_warehouses_are_isolated(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let cat = catalog(&c).await;
    let id: OrderId = c.save(None, &valid_draft(&cat, "USPS_GA")).await.ok();
    let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();

    let other = app.client(OTHER_MERCHANT).await;
    assert_eq!(other.call("orders/get", json!({ "id": id })).await.status, 404);
    assert_eq!(other.call("orders/intercept", json!({ "id": id })).await.status, 404);
    assert_eq!(other.call("orders/submit", json!({ "id": id })).await.status, 404);
    let page: OrderPage = other.call("orders/list", json!({ "query": {} })).await.ok();
    assert!(page.rows.iter().all(|o| o.id != id));
    // The other merchant cannot order Acme's SKUs either.
    let other_cat = catalog(&other).await;
    let mut steal = valid_draft(&other_cat, "USPS_GA");
    steal.lines[0].sku_id = valid_draft(&cat, "USPS_GA").lines[0].sku_id;
    assert!(other.save(None, &steal).await.validation().contains_key("lines.0"));
    // Editing another tenant's draft by id: 404.
    let draft_id: OrderId = c.save(None, &valid_draft(&cat, "USPS_GA")).await.ok();
    assert_eq!(other.save(Some(draft_id), &valid_draft(&other_cat, "USPS_GA")).await.status, 404);

    let nj = app.client(NJ_WAREHOUSE).await;
    assert_eq!(nj.call("floor/wave", json!({ "id": id })).await.status, 404);
    let queue: Vec<OrderSummary> = nj.call("floor/wave-queue", json!({ "filter": {} })).await.ok();
    assert!(queue.iter().all(|o| o.id != id));
    assert_eq!(status_of(&c, id).await, OrderStatus::Submitted);
    app.drop_database().await;
}

async fn upload(c: &Client, name: &str, bytes: Vec<u8>) -> (u16, serde_json::Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = c.http.post(c.url("/api/labels")).multipart(form).send().await.expect("upload");
    let status = res.status().as_u16();
    (status, res.json().await.expect("json body"))
}

async fn self_pickup_labels_are_checked_and_owned(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let cat = catalog(&c).await;

    let (status, body) = upload(&c, "label.pdf", b"just text".to_vec()).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("The file is not a valid PDF document")));
    let (status, body) = upload(&c, "label.png", common::minimal_pdf()).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("The label must be a PDF file (.pdf)")));
    let (status, body) = upload(&c, "fake.pdf", b"%PDF-1.7 but nothing else".to_vec()).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("The file is not a valid PDF document")));
    let mut big = common::minimal_pdf();
    big.resize(10 * 1024 * 1024 + 1000, b' ');
    let (status, body) = upload(&c, "big.pdf", big).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("The label must be 10 MB or smaller")));
    // Far over the limit: the server stops reading (413 or a cut connection), stores nothing
    // and stays up.
    let huge = reqwest::multipart::Part::bytes(vec![b'%'; 12 * 1024 * 1024]).file_name("huge.pdf");
    let res = c.http.post(c.url("/api/labels")).multipart(reqwest::multipart::Form::new().part("file", huge)).send().await;
    assert!(res.map(|r| r.status().as_u16() == 413).unwrap_or(true));
    let labels: i64 = sqlx::Row::get(&sqlx::query("SELECT COUNT(*) FROM labels").fetch_one(&app.db.pool).await.expect("count"), 0);
    assert_eq!(labels, 0);
    assert_eq!(upload(&app.anonymous(), "label.pdf", common::minimal_pdf()).await.0, 401);

    let (status, body) = upload(&c, "label.pdf", common::minimal_pdf()).await;
    assert_eq!(status, 201, "{body}");
    let label: LabelRef = serde_json::from_value(body).expect("label");

    let mut draft = valid_draft(&cat, "AMZ_A");
    draft.tracking_no = "TBA000111222".into();
    draft.label = Some(LabelRef { file_name: "renamed-by-client.pdf".into(), ..label.clone() });
    let id: OrderId = c.save(None, &draft).await.ok();
    let detail: OrderDetail = c.call("orders/get", json!({ "id": id })).await.ok();
    // The server keeps its own record of the file, not what the client claimed.
    assert_eq!(detail.draft.label, Some(label.clone()));
    let res = c.http.get(c.url(&format!("/api/labels/{}", label.id))).send().await.expect("download");
    assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/pdf"));
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), common::minimal_pdf());

    // Another merchant can neither use nor read the label.
    let other = app.client(OTHER_MERCHANT).await;
    let other_cat = catalog(&other).await;
    let mut theirs = valid_draft(&other_cat, "AMZ_A");
    theirs.tracking_no = "TBA999".into();
    theirs.label = Some(label.clone());
    assert_eq!(
        other.save(None, &theirs).await.validation()["label"],
        json!(["The uploaded label was not found; please upload it again"])
    );
    let res = other.http.get(other.url(&format!("/api/labels/{}", label.id))).send().await.expect("download");
    assert_eq!(res.status().as_u16(), 404);
    app.drop_database().await;
}

async fn keyset_pages_and_search(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let cat = catalog(&c).await;
    let mut ids = Vec::new();
    for i in 0..23 {
        let mut d = valid_draft(&cat, "USPS_GA");
        d.platform_order_no = format!("#P-{i}");
        d.recipient.name = format!("Person {i:02} Smith");
        ids.push(c.save(None, &d).await.ok::<OrderId>());
    }
    let query = |after: Option<i64>, before: Option<i64>| {
        json!({ "query": { "status": "Draft", "after": after, "before": before, "limit": 10 } })
    };
    let p1: OrderPage = c.call("orders/list", query(None, None)).await.ok();
    let p2: OrderPage = c.call("orders/list", query(p1.next_after, None)).await.ok();
    let p3: OrderPage = c.call("orders/list", query(p2.next_after, None)).await.ok();
    let seen: Vec<OrderId> = [&p1, &p2, &p3].iter().flat_map(|p| p.rows.iter().map(|r| r.id)).collect();
    // Newest first, no gaps, no repeats (seed data adds one older Draft).
    let mut expected: Vec<OrderId> = ids.iter().rev().copied().collect();
    expected.truncate(seen.len());
    assert_eq!(&seen[..23], &expected[..]);
    assert_eq!(p1.prev_before, None);
    assert_eq!(p3.next_after, None);
    assert!(p3.rows.iter().all(|r| r.status == OrderStatus::Draft));
    let back: OrderPage = c.call("orders/list", query(None, p2.prev_before)).await.ok();
    assert_eq!(back.rows, p1.rows);

    let search = |q: &str| json!({ "query": { "search": q } });
    let by_platform: OrderPage = c.call("orders/list", search("#P-7")).await.ok();
    assert_eq!(by_platform.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[7]]);
    let by_no: OrderPage = c.call("orders/list", search(&order_no(ids[3]))).await.ok();
    assert_eq!(by_no.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[3]]);
    let by_name: OrderPage = c.call("orders/list", search("person 1")).await.ok();
    assert_eq!(by_name.rows.len(), 10, "Person 10..19");
    let none: OrderPage = c.call("orders/list", search("nobody")).await.ok();
    assert!(none.rows.is_empty());
    app.drop_database().await;
}

/// Intercepting while the label worker records the label just bought for the order: both
/// touch the order and its label job, and the intercept must always go through (the label is
/// then voided), never fail on the race.
async fn intercept_while_the_label_is_recorded_always_succeeds(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.label_poll = std::time::Duration::from_millis(5)).await;
    let c = app.client(MERCHANT).await;
    let cat = catalog(&c).await;
    for round in 0..40u64 {
        let id: OrderId = c.save(None, &valid_draft(&cat, "UPS_GND")).await.ok();
        let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();
        // Land at different points of the worker's claim → buy → record.
        tokio::time::sleep(std::time::Duration::from_millis(round % 20)).await;
        let reply = c.call("orders/intercept", json!({ "id": id })).await;
        assert_eq!(reply.status, 200, "round {round}: {reply:?}");
        assert_eq!(status_of(&c, id).await, OrderStatus::Draft);
    }
    app.drop_database().await;
}

on_both_backends!(
    intercept_while_the_label_is_recorded_always_succeeds,
    signed_out_callers_are_refused,
    server_gives_the_same_errors_as_the_form,
    order_lifecycle_save_submit_intercept_wave,
    concurrent_wave_and_intercept_never_both_win,
    tenants_and_warehouses_are_isolated,
    self_pickup_labels_are_checked_and_owned,
    keyset_pages_and_search,
);
