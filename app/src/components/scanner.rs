//! Scanner input for the floor: a focused text box that takes keyboard-wedge scans (fast
//! keystrokes + Enter) or typing, plus camera scanning where the browser has the
//! BarcodeDetector API. Also the buzz/beep that tells the picker right from wrong.

use leptos::prelude::*;

/// The result of the latest scan as shown in the feedback banner. `seq` changes on every
/// scan, so the same message twice still flashes.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanFeedback {
    pub ok: bool,
    pub text: String,
    pub seq: u32,
}

/// Shows a scan result and signals it with vibration and a tone.
pub fn give_feedback(feedback: RwSignal<Option<ScanFeedback>>, ok: bool, text: impl Into<String>) {
    let seq = feedback.with_untracked(|f| f.as_ref().map_or(1, |f| f.seq + 1));
    feedback.set(Some(ScanFeedback { ok, text: text.into(), seq }));
    #[cfg(feature = "hydrate")]
    signal::buzz(ok);
}

#[component]
pub fn ScanBanner(feedback: RwSignal<Option<ScanFeedback>>) -> impl IntoView {
    view! {
        <div
            class="scan-feedback"
            class:ok=move || feedback.with(|f| f.as_ref().is_some_and(|f| f.ok))
            class:err=move || feedback.with(|f| f.as_ref().is_some_and(|f| !f.ok))
            data-feedback=move || feedback.with(|f| f.as_ref().map_or(0, |f| f.seq))
            role="status"
            aria-live="assertive"
        >
            {move || feedback.with(|f| f.as_ref().map(|f| f.text.clone()).unwrap_or_else(|| "Ready to scan".into()))}
        </div>
    }
}

#[component]
pub fn ScanInput(
    #[prop(into)] label: String,
    #[prop(into)] placeholder: String,
    on_scan: Callback<String>,
) -> impl IntoView {
    let value = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let camera_supported = RwSignal::new(false);
    let camera_open = RwSignal::new(false);
    let video = NodeRef::<leptos::html::Video>::new();

    let submit = move || {
        let code = value.get_untracked();
        value.set(String::new());
        if !code.trim().is_empty() {
            on_scan.run(code.trim().to_string());
        }
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    };
    Effect::new(move |_| {
        // After hydration only: the server cannot know what the browser supports.
        #[cfg(feature = "hydrate")]
        camera_supported.set(camera::supported());
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let open_camera = move |_| {
        camera_open.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let found = match video.get_untracked() {
                Some(v) => camera::scan_once(&v, camera_open).await,
                None => Err("The camera view is not ready".into()),
            };
            camera_open.set(false);
            match found {
                Ok(Some(code)) => on_scan.run(code),
                Ok(None) => {}
                Err(message) => leptos::logging::warn!("camera scan: {message}"),
            }
        });
    };

    view! {
        <div class="scan-box">
            <label class="scan-label" for="scan-input">{label}</label>
            <div class="scan-row">
                <input
                    id="scan-input"
                    class="scan-input"
                    node_ref=input
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    enterkeyhint="done"
                    placeholder=placeholder
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            submit();
                        }
                    }
                />
                <button class="btn btn-big" type="button" on:click=move |_| submit()>"Enter"</button>
                <Show when=move || camera_supported.get()>
                    <button class="btn btn-big" type="button" on:click=open_camera aria-label="Scan with camera">"Camera"</button>
                </Show>
            </div>
            <div class="camera-view" class:open=move || camera_open.get()>
                <video node_ref=video playsinline=true muted=true></video>
                <button class="btn btn-big" type="button" on:click=move |_| camera_open.set(false)>"Close camera"</button>
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod signal {
    use std::cell::RefCell;

    thread_local! {
        static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
    }

    /// Short buzz + high tone for a good scan, long buzz + low tone for a bad one.
    pub fn buzz(ok: bool) {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().vibrate_with_duration(if ok { 40 } else { 400 });
        }
        AUDIO.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                *cell = web_sys::AudioContext::new().ok();
            }
            let Some(ctx) = cell.as_ref() else { return };
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
            osc.frequency().set_value(if ok { 1200.0 } else { 220.0 });
            gain.gain().set_value(0.08);
            let _ = osc.connect_with_audio_node(&gain).and_then(|_| gain.connect_with_audio_node(&ctx.destination()));
            let now = ctx.current_time();
            let _ = osc.start_with_when(now);
            let _ = osc.stop_with_when(now + if ok { 0.06 } else { 0.35 });
        });
    }
}

#[cfg(feature = "hydrate")]
mod camera {
    use js_sys::{Array, Function, Object, Promise, Reflect};
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn window() -> Option<web_sys::Window> {
        web_sys::window()
    }

    /// BarcodeDetector exists in Chrome on Android and a few others; elsewhere the text box is
    /// the way in.
    pub fn supported() -> bool {
        window().is_some_and(|w| Reflect::has(&w, &JsValue::from_str("BarcodeDetector")).unwrap_or(false))
    }

    fn js_err(e: JsValue) -> String {
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    }

    async fn sleep(ms: i32) {
        let promise = Promise::new(&mut |resolve, _| {
            if let Some(w) = window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = JsFuture::from(promise).await;
    }

    /// Shows the rear camera in `video` and returns the first barcode seen, or None when the
    /// user closed the camera first.
    pub async fn scan_once(video: &web_sys::HtmlVideoElement, open: RwSignal<bool>) -> Result<Option<String>, String> {
        let w = window().ok_or("no window")?;
        let ctor: Function = Reflect::get(&w, &JsValue::from_str("BarcodeDetector")).map_err(js_err)?.dyn_into().map_err(js_err)?;
        let detector = Reflect::construct(&ctor, &Array::new()).map_err(js_err)?;
        let detect: Function = Reflect::get(&detector, &JsValue::from_str("detect")).map_err(js_err)?.dyn_into().map_err(js_err)?;

        let constraints = web_sys::MediaStreamConstraints::new();
        let video_wanted = Object::new();
        Reflect::set(&video_wanted, &JsValue::from_str("facingMode"), &JsValue::from_str("environment")).map_err(js_err)?;
        constraints.set_video(&video_wanted);
        let devices = w.navigator().media_devices().map_err(js_err)?;
        let stream: web_sys::MediaStream = JsFuture::from(devices.get_user_media_with_constraints(&constraints).map_err(js_err)?)
            .await
            .map_err(|_| "Camera permission was refused".to_string())?
            .dyn_into()
            .map_err(js_err)?;
        video.set_src_object(Some(&stream));
        let _ = video.play();

        let mut found = None;
        while open.get_untracked() && found.is_none() {
            sleep(250).await;
            let Ok(promise) = detect.call1(&detector, video) else { continue };
            let Ok(promise) = promise.dyn_into::<Promise>() else { continue };
            if let Ok(codes) = JsFuture::from(promise).await {
                let first = Array::from(&codes).get(0);
                found = Reflect::get(&first, &JsValue::from_str("rawValue")).ok().and_then(|v| v.as_string());
            }
        }
        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
        video.set_src_object(None);
        Ok(found)
    }
}
