//! Progress of a long run. The library names its stages and counts their
//! steps; the CLI draws them (a bar on a terminal), other callers stay
//! silent. On a million documents the stages after reading take minutes too,
//! so each one is announced, not only the first.

/// Receives a run's stages and steps, from any thread.
pub trait Progress: Sync {
    /// A stage begins: its name as the user reads it, and its number of
    /// steps when known (otherwise the stage has no steps, only a duration).
    fn stage(&self, _name: &str, _steps: Option<usize>) {}
    /// One step of the current stage is done.
    fn advance(&self) {}
    /// The run is over.
    fn finish(&self) {}
}

/// No progress output.
pub struct Silent;
impl Progress for Silent {}

/// Stage names, shared by `scan` and `archive add`.
pub mod stages {
    pub const READ: &str = "读取与分析";
    pub const CANDIDATES: &str = "查找候选文件对";
    pub const VERIFY: &str = "逐对核对文本";
    pub const RATIOS: &str = "计算复制比";
    pub const WRITE: &str = "写出报告";
    pub const ARCHIVE: &str = "分析并写入档案库";
}
