use super::*;

fn line(sku_id: SkuId, code: &str, bin: &str, needed: i64, picked: i64) -> PickLine {
    PickLine {
        sku_id,
        sku_code: code.into(),
        sku_name: code.into(),
        barcode: format!("08500{sku_id}"),
        bin: bin.into(),
        needed,
        picked,
        short: 0,
        short_reason: String::new(),
    }
}

#[test]
fn walking_order_compares_bin_numbers_by_value() {
    let mut lines = vec![line(1, "C", "A-10-1", 1, 0), line(2, "B", "A-2-3", 1, 0), line(3, "A", "B-1-1", 1, 0), line(4, "D", "A-2-3", 1, 0)];
    sort_walking_order(&mut lines);
    let order: Vec<&str> = lines.iter().map(|l| l.sku_code.as_str()).collect();
    assert_eq!(order, ["B", "D", "C", "A"]);
}

#[test]
fn pick_scan_needs_the_bin_first_then_the_right_sku() {
    let lines = vec![line(1, "MUG", "A-01", 2, 0), line(2, "TWL", "B-02", 1, 0)];
    assert_eq!(judge_pick_scan(&lines, None, "085001").unwrap_err(), "Scan the bin first: MUG is in bin A-01");
    assert_eq!(judge_pick_scan(&lines, None, " a-01 "), Ok(PickScan::Bin("A-01".into())));
    assert_eq!(judge_pick_scan(&lines, Some("A-01"), "085001"), Ok(PickScan::Unit(1)));
    assert_eq!(judge_pick_scan(&lines, Some("A-01"), "mug"), Ok(PickScan::Unit(1)), "SKU code works too");
    assert_eq!(
        judge_pick_scan(&lines, Some("A-01"), "085002").unwrap_err(),
        "Wrong SKU for bin A-01: TWL belongs in bin B-02"
    );
    assert_eq!(judge_pick_scan(&lines, Some("A-01"), "999").unwrap_err(), "Wrong item: 999 is not on this wave");
    assert_eq!(judge_pick_scan(&lines, Some("A-01"), "  ").unwrap_err(), "Empty scan");
}

#[test]
fn over_pick_and_finished_bins_are_refused() {
    let mut lines = vec![line(1, "MUG", "A-01", 2, 2), line(2, "TWL", "B-02", 3, 1)];
    assert_eq!(judge_pick_scan(&lines, Some("A-01"), "085001").unwrap_err(), "Over-pick: all 2 of MUG are already picked");
    assert_eq!(judge_pick_scan(&lines, None, "A-01").unwrap_err(), "Bin A-01 has nothing left to pick on this wave");
    // A reported short counts as done for the remaining units.
    lines[1].short = 2;
    assert!(lines[1].is_done());
    assert_eq!(judge_pick_scan(&lines, Some("B-02"), "085002").unwrap_err(), "Over-pick: all 1 of TWL are already picked");
}

fn pack_lines() -> Vec<PackLine> {
    vec![
        PackLine { sku_id: 1, sku_code: "MUG".into(), sku_name: "Mug".into(), barcode: "111".into(), quantity: 2 },
        PackLine { sku_id: 2, sku_code: "TWL".into(), sku_name: "Towel".into(), barcode: "222".into(), quantity: 1 },
    ]
}

#[test]
fn pack_scans_flag_wrong_and_extra_items_and_list_what_is_missing() {
    let lines = pack_lines();
    let mut scanned = BTreeMap::new();
    assert_eq!(judge_pack_scan(&lines, &scanned, "111"), Ok(1));
    scanned.insert(1, 2);
    assert_eq!(judge_pack_scan(&lines, &scanned, "111").unwrap_err(), "Too many: the order has only 2 × MUG");
    assert_eq!(judge_pack_scan(&lines, &scanned, "333").unwrap_err(), "Wrong item: 333 is not in this order");
    assert_eq!(pack_problems(&lines, &scanned), vec!["Missing 1 × TWL".to_string()]);
    scanned.insert(2, 1);
    assert!(pack_problems(&lines, &scanned).is_empty());
    scanned.insert(9, 1);
    scanned.insert(1, 3);
    assert_eq!(
        pack_problems(&lines, &scanned),
        vec!["1 × MUG too many".to_string(), "1 unit(s) of an item that is not in this order".to_string()]
    );
}

#[test]
fn weights_are_parsed_to_whole_grams() {
    assert_eq!(parse_weight_kg("1.25"), Ok(1250));
    assert_eq!(parse_weight_kg("0,8"), Ok(800));
    assert_eq!(parse_weight_kg("2"), Ok(2000));
    assert_eq!(parse_weight_kg(".5"), Ok(500));
    assert_eq!(parse_weight_kg("0.001"), Ok(1));
    assert_eq!(parse_weight_kg("").unwrap_err(), "Enter the parcel weight");
    assert_eq!(parse_weight_kg("0").unwrap_err(), "Weight must be more than 0");
    assert_eq!(parse_weight_kg("1.2345").unwrap_err(), "Weight must be a number of kilograms, like 1.25");
    assert_eq!(parse_weight_kg("-1").unwrap_err(), "Weight must be a number of kilograms, like 1.25");
    assert_eq!(parse_weight_kg("abc").unwrap_err(), "Weight must be a number of kilograms, like 1.25");
    assert_eq!(parse_weight_kg("71").unwrap_err(), "A parcel can weigh at most 70 kg");
    assert!(parse_weight_kg("99999999999999999999").is_err());
}

fn adj(kind: AdjustmentKind, quantity: i64, reason: &str) -> StockAdjustment {
    StockAdjustment { sku_id: 1, kind, quantity, reason: reason.into() }
}

#[test]
fn adjustments_never_touch_allocated_stock() {
    use AdjustmentKind::*;
    assert_eq!(adjustment_delta(&adj(Receive, 10, "PO 77"), 5, 2), Ok(10));
    assert_eq!(adjustment_delta(&adj(Count, 3, "cycle count"), 5, 2), Ok(-2));
    assert_eq!(adjustment_delta(&adj(Count, 9, "cycle count"), 5, 2), Ok(4));
    assert_eq!(adjustment_delta(&adj(Damage, 3, "crushed"), 5, 2), Ok(-3));
    let e = adjustment_delta(&adj(Damage, 4, "crushed"), 5, 2).unwrap_err();
    assert_eq!(e.first(FIELD_QUANTITY), Some("Only 3 unallocated unit(s) can be written off"));
    let e = adjustment_delta(&adj(Count, 1, "cycle count"), 5, 2).unwrap_err();
    assert_eq!(e.first(FIELD_QUANTITY), Some("Counted 1, but 2 are allocated to open orders; resolve those orders first"));
    let e = adjustment_delta(&adj(Receive, 0, " "), 5, 2).unwrap_err();
    assert_eq!(e.first(FIELD_REASON), Some("Enter a reason for the adjustment"));
    assert_eq!(e.first(FIELD_QUANTITY), Some("Received quantity must be between 1 and 1000000"));
}

#[test]
fn item_mix_and_commands() {
    assert!(ItemMix::Single.accepts(1) && !ItemMix::Single.accepts(2));
    assert!(ItemMix::Multi.accepts(2) && !ItemMix::Multi.accepts(1));
    assert_eq!(ItemMix::from_code(ItemMix::Multi.code()), ItemMix::Multi);
    let ok = FloorCommand { id: "c-1".into(), action: FloorAction::PickUnit { wave_id: 1, sku_id: 2 } };
    assert!(validate_command(&ok).is_ok());
    let no_id = FloorCommand { id: " ".into(), ..ok.clone() };
    assert!(validate_command(&no_id).is_err());
    let empty_tracking = FloorCommand { id: "c-2".into(), action: FloorAction::ShipParcel { tracking_no: "".into() } };
    assert_eq!(validate_command(&empty_tracking).unwrap_err(), "Scan a tracking number");
    assert_eq!(wave_no(42), "W00042");
}

#[test]
fn stock_movements_read_before_and_after() {
    let m = StockMovement {
        at_ms: 0,
        kind: "allocate".into(),
        on_hand_delta: 0,
        allocated_delta: 2,
        on_hand_after: 10,
        allocated_after: 5,
        order_id: None,
        reason: String::new(),
        actor: "A".into(),
    };
    assert_eq!(m.change_text(), "allocated 3 → 5");
    let received = StockMovement { kind: "receive".into(), on_hand_delta: 5, allocated_delta: 0, on_hand_after: 15, ..m };
    assert_eq!(received.change_text(), "on hand 10 → 15");
}
