#include "apps/lab/report_doc.h"

#include <utility>

namespace tinymlp {

void ReportDoc::Heading(int level, const std::string& text) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::kHeading;
  b.level = level;
  b.text = text;
  blocks.push_back(std::move(b));
}

void ReportDoc::Paragraph(const std::string& text) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::kParagraph;
  b.text = text;
  blocks.push_back(std::move(b));
}

void ReportDoc::AddTable(Table table) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::kTable;
  b.table = std::move(table);
  blocks.push_back(std::move(b));
}

void ReportDoc::Images(std::vector<std::string> paths, const std::string& width) {
  ReportBlock b;
  b.kind = ReportBlock::Kind::kImages;
  b.images = std::move(paths);
  b.width = width;
  blocks.push_back(std::move(b));
}

void ReportDoc::Append(const ReportDoc& other) {
  blocks.insert(blocks.end(), other.blocks.begin(), other.blocks.end());
}

namespace {

std::string Row(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const std::string& cell : cells) line += " " + cell + " |";
  return line + "\n";
}

}  // namespace

std::string RenderMarkdown(const ReportDoc& doc) {
  std::string md;
  for (const ReportBlock& b : doc.blocks) {
    switch (b.kind) {
      case ReportBlock::Kind::kHeading:
        md += std::string(b.level, '#') + " " + b.text + "\n\n";
        break;
      case ReportBlock::Kind::kParagraph:
        md += b.text + "\n\n";
        break;
      case ReportBlock::Kind::kTable: {
        md += Row(b.table.columns) + "|";
        for (size_t i = 0; i < b.table.columns.size(); ++i) md += "---|";
        md += "\n";
        for (const std::vector<std::string>& row : b.table.rows) md += Row(row);
        md += "\n";
        break;
      }
      case ReportBlock::Kind::kImages: {
        std::string line;
        for (const std::string& path : b.images) {
          line +=
              (line.empty() ? "" : " ") + ("<img src=\"" + path + "\" width=\"" + b.width + "\">");
        }
        md += line + "\n\n";
        break;
      }
    }
  }
  return md;
}

}  // namespace tinymlp
