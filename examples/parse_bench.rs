fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..10000 {
        let (d, _) = itsm::load::yaml::parse(&text);
        std::hint::black_box(d);
    }
    println!("parse: {:?} per file", t.elapsed() / 10000);
    let t = std::time::Instant::now();
    for _ in 0..10000 {
        let mut p = saphyr_parser::Parser::new_from_str(&text);
        while let Some(Ok(e)) = p.next_event() { std::hint::black_box(e); }
    }
    println!("events only: {:?} per file", t.elapsed() / 10000);
}
