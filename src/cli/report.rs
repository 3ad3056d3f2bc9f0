//! `itsm report coverage`, `itsm report sla` and `itsm report cost`: ISO/IEC 20000-1 coverage,
//! SLA attainment and what each Service costs.

use super::{Global, Status, print};
use anyhow::Result;
use itsm::load::Source;
use itsm::pipeline::Checked;

/// Loads and checks the repository (work tree, or `--rev`), for the reports.
pub(super) fn checked(global: &Global, rev: Option<String>) -> Result<Checked> {
    global.check(
        std::time::Instant::now(),
        &global.root()?,
        &Source::from(rev),
    )
}

/// Reports for audits: ISO/IEC 20000-1 coverage, SLA attainment and costs
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm report coverage                     ISO/IEC 20000-1 gap analysis
  itsm report coverage --period 2026       as it was over 2026
  itsm report coverage --format html > coverage.html
  itsm report sla                          each Service over its SLA's current window
  itsm report sla --period 2026-Q3         one quarter for every Service
  itsm report sla --period 2026-10 --format csv > sla-2026-10.csv
  itsm report cost --period 2026           what each Service cost in 2026

Exit codes: 0 report printed (breaches included, unless --fail-on-breach), 1 a breach with
--fail-on-breach, 2 could not run.")]
pub struct ReportArgs {
    #[command(subcommand)]
    pub report: Report,
}

#[derive(Debug, clap::Subcommand)]
pub enum Report {
    Coverage(CoverageArgs),
    Sla(SlaArgs),
    Actions(RegisterArgs),
    Risks(RegisterArgs),
    Objectives(RegisterArgs),
    Cost(CostArgs),
}

/// The register of nonconformities and improvements (`actions`), of risks with
/// their heat map (`risks`), or of objectives against their targets (`objectives`)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm report actions                      overdue first, then open, then closed; unaddressed
                                           audit findings included
  itsm report risks --format markdown      the risk register with its heat map
  itsm report objectives --format csv > objectives.csv

Exit codes: 0 printed, 2 could not run.")]
pub struct RegisterArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = SlaFormat::Human)]
    pub format: SlaFormat,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// A framework requirement by requirement (ISO/IEC 20000-1:2018 by default): status, evidence with dates, gaps
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm report coverage                              the ISO/IEC 20000-1 gap analysis
  itsm report coverage --period 2026                as it was over 2026 (a surveillance audit)
  itsm report coverage --framework iso27001         a framework the repository defines
  itsm report coverage --format markdown > gap-analysis.md
  itsm report coverage --format html > coverage.html   a standalone page
  itsm report coverage --format json                for other tools
  itsm report coverage --rev v2026.10               as it was at a tag

Status: gap when no Policy in force addresses the requirement; declared when one does but
nothing shows it is done; evidenced when every evidence rule of the requirement is met by a
record dated within the rule's interval, or, for a requirement no record can show (7.2
Competence), when a done internal Audit within audits.every had it in scope and left no open
major or minor finding on it. A Policy alone never makes a requirement evidenced. A parent
takes the weakest status of its children.

Exit codes: 0 printed (gaps included), 2 could not run (an unknown framework included).")]
pub struct CoverageArgs {
    /// The framework: `iso20000-1` (built in) or the name of a Framework record
    #[arg(long, value_name = "F", default_value = "iso20000-1")]
    pub framework: String,
    /// Show the state over a period, as of its last day: YYYY-MM, YYYY-Qn or YYYY
    #[arg(long, value_name = "P", value_parser = parse_period)]
    pub period: Option<itsm::report::sla::Period>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CoverageFormat::Human)]
    pub format: CoverageFormat,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CoverageFormat {
    Human,
    Markdown,
    Json,
    Html,
}

/// SLA attainment per Service: availability from outage Incidents, resolution times, breaches
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm report sla                               each SLA's current window (containing --today)
  itsm report sla --period 2026-Q3              July to September 2026
  itsm report sla --period 2026-10 --format markdown
  itsm report sla --period 2026 --format csv > sla-2026.csv
  itsm report sla --fail-on-breach              exit 1 when a target was missed

Availability = 1 - outage / support time, in UTC: outage is the union of the Incidents with
`impact: outage` on the Service (overlaps count once), clipped to the period and to the
support hours (`business` = Monday to Friday 09:00-17:00 UTC; otherwise every hour). An
Incident without `resolved` counts up to the start of the day after --today. Resolution
time = resolved - started, for Incidents started in the period, against resolution[priority].
A period holding several SLA windows (a monthly SLA over a quarter) is judged window by window.

Exit codes: 0 printed, 1 a breach with --fail-on-breach, 2 could not run.")]
pub struct SlaArgs {
    /// The period: YYYY-MM, YYYY-Qn or YYYY [default: each SLA's window containing --today]
    #[arg(long, value_name = "P", value_parser = parse_period)]
    pub period: Option<itsm::report::sla::Period>,
    /// Output format
    #[arg(long, value_enum, default_value_t = SlaFormat::Human)]
    pub format: SlaFormat,
    /// Exit 1 when a target was missed
    #[arg(long)]
    pub fail_on_breach: bool,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SlaFormat {
    Human,
    Markdown,
    Json,
    Csv,
}

fn parse_period(s: &str) -> Result<itsm::report::sla::Period, String> {
    itsm::report::sla::Period::parse(s).ok_or_else(|| {
        format!("`{s}` is not a period: write YYYY-MM (2026-10), YYYY-Qn (2026-Q3) or YYYY (2026)")
    })
}

pub fn run(global: &Global, args: ReportArgs) -> Result<Status> {
    match args.report {
        Report::Coverage(a) => coverage(global, a),
        Report::Sla(a) => sla(global, a),
        Report::Actions(a) => register(global, a, Register::Actions),
        Report::Risks(a) => register(global, a, Register::Risks),
        Report::Objectives(a) => register(global, a, Register::Objectives),
        Report::Cost(a) => cost(global, a),
    }
}

fn coverage(global: &Global, args: CoverageArgs) -> Result<Status> {
    use itsm::report::coverage;
    let checked = checked(global, args.rev)?;
    let options = coverage::Options {
        framework: Some(&args.framework),
        period: args.period.as_ref(),
        today: global.today,
    };
    let cov = coverage::compute(&checked.catalog, &checked.diagnostics, &options)?;
    let text = match args.format {
        CoverageFormat::Human => coverage::render_human(&cov),
        CoverageFormat::Markdown => coverage::render_markdown(&cov),
        CoverageFormat::Json => json(&cov)?,
        CoverageFormat::Html => coverage::render_html(&cov),
    };
    print(&text);
    super::free_at_exit(checked);
    Ok(Status::Clean)
}

fn sla(global: &Global, args: SlaArgs) -> Result<Status> {
    use itsm::report::sla;
    let checked = checked(global, args.rev)?;
    let report = sla::compute(&checked.catalog, args.period.as_ref(), global.today);
    let text = match args.format {
        SlaFormat::Human => sla::render_human(&report),
        SlaFormat::Markdown => sla::render_markdown(&report),
        SlaFormat::Json => itsm::output::escape::json(json(&report)?),
        SlaFormat::Csv => sla::render_csv(&report)?,
    };
    print(&text);
    super::free_at_exit(checked);
    Ok(if args.fail_on_breach && !report.breaches.is_empty() {
        Status::Findings
    } else {
        Status::Clean
    })
}

/// What each Service costs in full, shared costs allocated, against its budget
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm report cost                              this month (the one containing --today)
  itsm report cost --period 2026-Q3             July to September 2026
  itsm report cost --period 2026 --format csv > cost-2026.csv
  itsm report cost --format json                for other tools

Amounts are per month (`per: year` counts one twelfth), times the months of the period; each
currency on its own. A CI's cost is split evenly among the Services that reach it (`cis`, then CI
`dependsOn`), a Supplier's contract cost among the Services that name it, a technical Service's
full cost among the Services that depend on it directly; what nobody takes is unallocated. The
business Services' totals plus the unallocated amount are the total, to the cent.

Exit codes: 0 printed, 2 could not run.")]
pub struct CostArgs {
    /// The period: YYYY-MM, YYYY-Qn or YYYY [default: the month containing --today]
    #[arg(long, value_name = "P", value_parser = parse_period)]
    pub period: Option<itsm::report::sla::Period>,
    /// Output format
    #[arg(long, value_enum, default_value_t = SlaFormat::Human)]
    pub format: SlaFormat,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

fn cost(global: &Global, args: CostArgs) -> Result<Status> {
    use itsm::report::{cost, sla::Period};
    let period = match args.period {
        Some(p) => p,
        None => Period::window(itsm::model::Window::Monthly, global.today)
            .ok_or_else(|| anyhow::anyhow!("no month contains {}", global.today))?,
    };
    let checked = checked(global, args.rev)?;
    let allocation = cost::compute(&checked.catalog, &period.label, cost::months(&period));
    let text = match args.format {
        SlaFormat::Human => cost::render_human(&allocation),
        SlaFormat::Markdown => cost::render_markdown(&allocation),
        SlaFormat::Json => cost::render_json(&allocation),
        SlaFormat::Csv => cost::render_csv(&allocation)?,
    };
    print(&text);
    super::free_at_exit(checked);
    Ok(Status::Clean)
}

/// Pretty JSON with a final newline.
pub(super) fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

#[derive(Clone, Copy)]
enum Register {
    Actions,
    Risks,
    Objectives,
}

fn register(global: &Global, args: RegisterArgs, which: Register) -> Result<Status> {
    use itsm::report::register;
    let checked = checked(global, args.rev)?;
    let (catalog, today) = (&checked.catalog, global.today);
    let text = match which {
        Register::Actions => render(&register::actions(catalog, today), args.format)?,
        Register::Risks => render(&register::risks(catalog, today), args.format)?,
        Register::Objectives => render(&register::objectives(catalog, today), args.format)?,
    };
    print(&text);
    super::free_at_exit(checked);
    Ok(Status::Clean)
}

/// A register in the format asked for (only that one is rendered).
fn render(report: &impl itsm::report::register::Register, format: SlaFormat) -> Result<String> {
    Ok(match format {
        SlaFormat::Json => json(report)?,
        SlaFormat::Human => report.render_human(),
        SlaFormat::Markdown => report.render_markdown(),
        SlaFormat::Csv => report.render_csv()?,
    })
}
