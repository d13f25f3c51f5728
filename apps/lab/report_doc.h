// A report as data: headings, paragraphs, tables and rows of pictures, in order. The report's
// chapters fill one of these from their runs' results (every figure in it comes from a run, a
// search or a setting in the code, never typed into the text), and RenderMarkdown is the one
// place that turns it into markdown. Not a markdown library: only what report.md uses.
#pragma once

#include <string>
#include <vector>

namespace tinymlp {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as long as columns
};

struct ReportBlock {
  enum class Kind { kHeading, kParagraph, kTable, kImages };
  Kind kind = Kind::kParagraph;
  int level = 2;                    // kHeading: 1 is "#", 2 is "##", ...
  std::string text;                 // kHeading, kParagraph (markdown inline: **bold**, `code`)
  Table table;                      // kTable
  std::vector<std::string> images;  // kImages: paths relative to report.md, shown side by side
  std::string width;                // kImages: each picture's HTML width, e.g. "49%"
};

struct ReportDoc {
  std::vector<ReportBlock> blocks;

  void Heading(int level, const std::string& text);
  void Paragraph(const std::string& text);
  void AddTable(Table table);
  void Images(std::vector<std::string> paths, const std::string& width);
  void Append(const ReportDoc& other);  // other's blocks after these
};

// A paragraph ends with a blank line; a table's rows are "| a | b |" under a "|---|---|" line;
// pictures are HTML <img> tags (markdown cannot size them) on one line.
std::string RenderMarkdown(const ReportDoc& doc);

}  // namespace tinymlp
