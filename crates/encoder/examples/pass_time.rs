//! Times one encoder pass for questions of several lengths, in CPU time of
//! this thread (the machine may be busy): `cargo run --release -p
//! infusion-faq-encoder --example pass_time -- models/minilm-l6-ms/model.int8.safetensors`.

fn cpu_seconds() -> f64 {
    let mut ts = std::mem::MaybeUninit::<[i64; 2]>::uninit();
    // CLOCK_THREAD_CPUTIME_ID = 3 on Linux.
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut [i64; 2]) -> i32;
    }
    unsafe {
        clock_gettime(3, ts.as_mut_ptr());
        let [s, ns] = ts.assume_init();
        s as f64 + ns as f64 * 1e-9
    }
}

fn main() {
    let path = std::env::args().nth(1).expect("the model file");
    let bytes = std::fs::read(path).unwrap();
    let encoder = encoder::Encoder::from_bytes(&bytes).unwrap();
    for tokens in [3usize, 9, 20, 34, 64] {
        let ids: Vec<u32> = (0..tokens as u32).map(|i| 2000 + i * 37).collect();
        encoder.hidden_states(&ids);
        // Each pass timed alone: the machine may be shared, so the least
        // (what the code costs) and the median are both printed.
        let mut ms: Vec<f64> = (0..40)
            .map(|_| {
                let start = cpu_seconds();
                std::hint::black_box(encoder.hidden_states(&ids));
                (cpu_seconds() - start) * 1000.0
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        let (least, median) = (ms[0], ms[ms.len() / 2]);
        println!("{tokens:>3} tokens: {least:.2} ms CPU a pass at least, {median:.2} median");
    }
}
