//! The command line (clap derive only; no logic here).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "huizong",
    version,
    about = "汇总：乡镇卫生院月报表的审核与汇总 / consolidate and check township health returns"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum LangArg {
    #[default]
    Zh,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 汇总一个文件夹中的报表；在工作区中不写文件夹则汇总台账中计入的各版 / consolidate a folder (in a workspace without FOLDER: the versions that count)
    Run {
        /// 报表所在文件夹 / the folder holding this month's returns
        folder: Option<PathBuf>,
        /// 工作区（默认从当前文件夹向上查找）/ the workspace (default: found upwards from here)
        #[arg(long, value_name = "DIR")]
        workspace: Option<PathBuf>,
        /// 配置文件 (TOML) / configuration file; the default form is built in
        #[arg(long)]
        config: Option<PathBuf>,
        /// 报告期 YYYY-MM / the period; defaults to the one most returns give
        #[arg(long)]
        period: Option<String>,
        /// 输出文件夹（默认 out，工作区中为 输出/）/ output folder (default out; 输出/ in a workspace)
        #[arg(long)]
        out: Option<PathBuf>,
        /// 另写一份 JSON 运行报告 / also write the run report as JSON
        #[arg(long)]
        json: Option<PathBuf>,
        /// 为有问题的乡镇各写一份退回修改通知 / write a feedback workbook for each township with findings
        #[arg(long)]
        feedback: Option<PathBuf>,
        /// 历史库文件夹（跨月审核用，本月数据存入其中；默认：配置文件旁的 历史库，或环境变量
        /// HUIZONG_HISTORY）/ the history store (default: 历史库 beside the configuration file)
        #[arg(long, value_name = "DIR")]
        history: Option<PathBuf>,
        /// 语言 / language of the outputs and messages
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
        /// 只打印摘要，不逐条打印异常，不显示进度 / print the summary only, no progress bar
        #[arg(long, short)]
        quiet: bool,
        /// 逐条打印全部异常（默认异常多时每条规则只打印前几条）/ print every finding's line
        #[arg(long)]
        all: bool,
    },
    /// 逐份审核报表，立即打印问题 / check single returns as they arrive and print their findings
    Check {
        /// 报表文件 / the returned workbooks
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 配置文件 (TOML) / configuration file
        #[arg(long)]
        config: Option<PathBuf>,
        /// 报告期 YYYY-MM / the period; defaults to the one the return gives
        #[arg(long)]
        period: Option<String>,
        /// 历史库文件夹（默认：配置文件旁的 历史库）/ the history store for the cross-month rules
        /// (default: 历史库 beside the configuration file, or HUIZONG_HISTORY)
        #[arg(long, value_name = "DIR")]
        history: Option<PathBuf>,
        /// 语言 / language of the messages
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
        /// 逐条打印全部异常 / print every finding's line
        #[arg(long)]
        all: bool,
    },
    /// 生成各乡镇的空白报表（数据验证、工作表保护、本年累计接上月）/ write each township's blank return
    Template {
        /// 报告期 YYYY-MM / the period the returns are for
        #[arg(long, value_name = "YYYY-MM")]
        period: String,
        /// 乡镇，可重复；不写则为名册中全部乡镇 / a township (repeatable); the whole roster if none
        #[arg(long = "township", value_name = "NAME")]
        townships: Vec<String>,
        /// 输出文件夹 / output folder
        #[arg(long)]
        out: PathBuf,
        /// 配置文件 (TOML) / configuration file
        #[arg(long)]
        config: Option<PathBuf>,
        /// 上月的运行报告 (huizong run --json)，本年累计由此接续 / last month's run report
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
        /// 工作区：不给 --previous 时本年累计承自其台账中上月计入的版本（默认从当前文件夹向上查找）/
        /// the workspace whose ledger gives last month's figures when --previous is not given
        #[arg(long, value_name = "DIR")]
        workspace: Option<PathBuf>,
        /// 语言 / language of the messages
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// 历史库：由往月文件夹一次建成 / the history store: build it from past months' folders
    History {
        #[command(subcommand)]
        action: HistoryAction,
    },
    #[command(flatten)]
    Workspace(WorkspaceCommand),
    /// 网页：县里看报送情况、乡镇上传报表并立即看到问题 / serve the county's month to browsers
    Serve {
        /// 工作区（默认从当前文件夹向上查找）/ the workspace (default: found upwards from here)
        #[arg(long, value_name = "DIR")]
        workspace: Option<PathBuf>,
        /// 监听地址（默认只本机；局域网用 0.0.0.0:8080）/ address to listen on (default: this machine only)
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// 发放（或重发）一个账号的密钥后退出：admin 或乡镇名 / issue a secret for admin or a township, then exit
        #[arg(long, value_name = "ACCOUNT")]
        issue: Option<String>,
        /// 语言 / language of the pages
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// 说明一条审核规则查什么、为什么 / print what a rule checks and why
    Explain {
        /// 规则编号，如 R11 / the rule's id, e.g. R01
        rule: String,
        /// 配置文件 (TOML) / configuration file
        #[arg(long)]
        config: Option<PathBuf>,
        /// 语言 / language
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
}

/// The workspace commands (issue 12). ASCII names, so that they type on any keyboard and in any
/// shell; each has its Chinese name as a visible alias (`huizong 通过 白沙乡`).
#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// 建立县工作区：huizong.toml、收件箱/、输出/、.huizong/ / lay out a county workspace
    #[command(visible_alias = "初始化")]
    Init {
        /// 工作区文件夹（默认当前文件夹）/ the folder (default: here)
        dir: Option<PathBuf>,
        /// 复制此配置为 huizong.toml / copy this configuration in as huizong.toml
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// 监视收件箱，报表一到即审核入账 / watch the inbox; check each return as it lands
    #[command(visible_alias = "监视")]
    Watch {
        #[arg(long, value_name = "DIR")]
        workspace: Option<PathBuf>,
        /// 轮询（网络共享文件夹收不到通知时用）/ poll (for network shares)
        #[arg(long)]
        poll: bool,
        /// 只处理收件箱中现有的文件，然后退出 / take what is in the inbox now, then stop
        #[arg(long)]
        once: bool,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// 报送情况：各乡镇状态与催报名单 / the board: every township's state, and the 催报 list
    #[command(visible_alias = "状态")]
    Status {
        #[arg(long, value_name = "DIR")]
        workspace: Option<PathBuf>,
        /// 报告期 YYYY-MM（默认台账中最近的一期）/ the period (default: the latest)
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// 通过：该乡镇最新一版计入汇总 / accept a township's latest version
    #[command(visible_alias = "通过")]
    Accept {
        township: String,
        #[command(flatten)]
        common: DecisionArgs,
    },
    /// 打回：退回重报，写出带原因的退回修改通知 / send a return back, with the reason
    #[command(visible_alias = "打回")]
    Return {
        township: String,
        /// 打回原因 / the reason
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        common: DecisionArgs,
    },
    /// 审核说明：接受（或 --send-back 打回）一条问题的说明 / accept (or send back) an explanation
    #[command(visible_alias = "说明")]
    Explanation {
        township: String,
        /// 规则编号，如 R06 / the rule
        rule: String,
        /// 指标代码（一条规则涉及多个指标时）/ the indicator, where the rule has several
        #[arg(long)]
        code: Option<String>,
        /// 说明内容 / the explanation's text
        #[arg(long)]
        text: String,
        /// 打回这条说明 / send the explanation back
        #[arg(long)]
        send_back: bool,
        #[command(flatten)]
        common: DecisionArgs,
    },
}

/// What every decision takes besides its own arguments.
#[derive(Debug, clap::Args)]
pub struct DecisionArgs {
    /// 报告期 YYYY-MM（默认台账中最近的一期）/ the period (default: the latest)
    #[arg(long)]
    pub period: Option<String>,
    /// 审核人（默认当前用户）/ who decides (default: the user logged in)
    #[arg(long)]
    pub by: Option<String>,
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
}

#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// 由往月报表文件夹建成历史库（与逐月运行结果相同）/ build the store from past months' folders
    Build {
        /// 往月报表文件夹，每月一个 / the past months' folders, one a month
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// 历史库文件夹（默认：配置文件旁的 历史库，或环境变量 HUIZONG_HISTORY）/ the history store
        /// (default: 历史库 beside the configuration file, or HUIZONG_HISTORY)
        #[arg(long, value_name = "DIR")]
        history: Option<PathBuf>,
        /// 配置文件 (TOML) / configuration file
        #[arg(long)]
        config: Option<PathBuf>,
        /// 语言 / language
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
}

/// A command-line mistake: what is wrong, the subcommand it was for, and whether `--lang en`
/// was asked for (the rest of the line could not be parsed).
pub struct Mistake {
    pub usage: huizong::render::Usage,
    pub command: Option<String>,
    pub english: bool,
}

/// Parses the process's arguments. `--help` and `--version` print and exit here (clap's own
/// text, which is both languages' about lines); a mistake is returned to be said in words.
pub fn parse() -> Result<Cli, Mistake> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use huizong::render::Usage;
    let e = match Cli::try_parse() {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let strings = |kind: ContextKind| -> Vec<String> {
        match e.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            _ => Vec::new(),
        }
    };
    let first = |kind: ContextKind| strings(kind).into_iter().next().unwrap_or_default();
    let usage = match e.kind() {
        ErrorKind::MissingRequiredArgument => Usage::Missing(strings(ContextKind::InvalidArg)),
        ErrorKind::UnknownArgument => Usage::Unknown(first(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue => Usage::InvalidValue(
            first(ContextKind::InvalidArg),
            first(ContextKind::InvalidValue),
            strings(ContextKind::ValidValue),
        ),
        ErrorKind::InvalidSubcommand => {
            Usage::UnknownCommand(first(ContextKind::InvalidSubcommand))
        }
        _ => Usage::Other(
            e.render()
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string(),
        ),
    };
    let args: Vec<String> = std::env::args().collect();
    let english = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
        || args.iter().any(|a| a == "--lang=en");
    let commands = ["run", "check", "template", "history", "explain"];
    let command = args
        .iter()
        .skip(1)
        .find(|a| commands.contains(&a.as_str()))
        .cloned();
    Err(Mistake {
        usage,
        command,
        english,
    })
}
