//! Label documents in S3 (`DROPDOCK_LABEL_STORE_URL=s3://…`) instead of the local directory,
//! against the loopback S3 server `make test` starts (moto): uploads and carrier labels are
//! written to the bucket and read back from it.

mod common;

use std::time::{Duration, Instant};

use app::domain::*;
use common::{Backend, TestApp};
use serde_json::json;

const MERCHANT: &str = "merchant@demo.test";

fn s3_endpoint() -> String {
    std::env::var("DROPDOCK_TEST_S3_ENDPOINT")
        .expect("DROPDOCK_TEST_S3_ENDPOINT is not set: the S3 test needs the loopback S3 that `make test` starts")
}

/// Object keys in the bucket (S3 ListObjectsV2 XML, read with a plain scan).
async fn bucket_keys(http: &reqwest::Client, bucket_url: &str) -> Vec<String> {
    let xml = http.get(format!("{bucket_url}?list-type=2")).send().await.expect("list").text().await.expect("xml");
    xml.split("<Key>").skip(1).filter_map(|k| k.split("</Key>").next()).map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_documents_live_in_the_s3_bucket() {
    let endpoint = s3_endpoint();
    // This test binary is the only user of these variables (one process per test file).
    for (k, v) in [
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ] {
        std::env::set_var(k, v);
    }
    let bucket = format!("dropdock-test-{}", uuid::Uuid::new_v4().simple());
    let http = reqwest::Client::new();
    let bucket_url = format!("{endpoint}/{bucket}");
    assert!(http.put(&bucket_url).send().await.expect("create bucket").status().is_success());

    let url = format!("s3://{bucket}/labels");
    let app = TestApp::start_with(Backend::Sqlite, |c| c.label_store_url = Some(url)).await;
    let c = app.client(MERCHANT).await;

    // A merchant's own label goes to the bucket and comes back byte for byte.
    let pdf = common::minimal_pdf();
    let part = reqwest::multipart::Part::bytes(pdf.clone()).file_name("own.pdf");
    let res = c.http.post(c.url("/api/labels")).multipart(reqwest::multipart::Form::new().part("file", part)).send().await.expect("upload");
    assert_eq!(res.status().as_u16(), 201);
    let label: LabelRef = res.json().await.expect("label");
    let back = c.http.get(c.url(&format!("/api/labels/{}", label.id))).send().await.expect("download").bytes().await.expect("bytes");
    assert_eq!(back.to_vec(), pdf);

    // A carrier label bought by the worker is stored there too.
    let cat: Catalog = c.call("orders/catalog", json!({})).await.ok();
    let id: OrderId = c.save(None, &common::miami_draft(&cat, "UPS_GND")).await.ok();
    let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();
    let start = Instant::now();
    loop {
        let d: OrderDetail = c.call("orders/get", json!({ "id": id })).await.ok();
        if d.label_status == LabelStatus::Ready {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "label not ready: {:?} {}", d.label_status, d.label_error);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let carrier_pdf = c.http.get(c.url(&format!("/api/orders/{id}/label/pdf"))).send().await.expect("pdf").bytes().await.expect("bytes");
    assert!(carrier_pdf.starts_with(b"%PDF-"));

    let keys = bucket_keys(&http, &bucket_url).await;
    assert!(keys.contains(&format!("labels/{}.pdf", label.id)), "{keys:?}");
    assert!(keys.iter().any(|k| k.starts_with(&format!("labels/carrier-{id}-")) && k.ends_with(".pdf")), "{keys:?}");
    assert!(keys.iter().any(|k| k.ends_with(".zpl")), "{keys:?}");
    // Nothing went to the local directory.
    assert!(!app.data_dir().join("labels").join(format!("{}.pdf", label.id)).exists());
    app.drop_database().await;
}
