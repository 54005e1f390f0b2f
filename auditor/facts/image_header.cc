// ReadImageHeader: image formats and sizes from the first bytes, every read bounds-checked.
#include "facts/image_header.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/text.h"

namespace mmaudit::facts {
namespace {

// Reads fixed-size integers from a byte view; every accessor checks the bounds first.
class Bytes {
 public:
  explicit Bytes(std::string_view b) : b_(b) {}
  std::size_t size() const { return b_.size(); }
  bool Has(std::size_t pos, std::size_t n) const { return pos <= b_.size() && n <= b_.size() - pos; }
  std::uint32_t U8(std::size_t p) const { return static_cast<unsigned char>(b_[p]); }
  std::uint32_t Be16(std::size_t p) const { return U8(p) << 8 | U8(p + 1); }
  std::uint32_t Be32(std::size_t p) const { return Be16(p) << 16 | Be16(p + 2); }
  std::uint32_t Le16(std::size_t p) const { return U8(p) | U8(p + 1) << 8; }
  std::uint32_t Le24(std::size_t p) const { return Le16(p) | U8(p + 2) << 16; }
  std::uint32_t Le32(std::size_t p) const { return Le24(p) | U8(p + 3) << 24; }
  bool Equals(std::size_t p, std::string_view s) const { return Has(p, s.size()) && b_.substr(p, s.size()) == s; }
  std::string_view view() const { return b_; }

 private:
  std::string_view b_;
};

constexpr std::uint32_t kMaxSide = 1u << 30;  // larger "sizes" are corrupt headers

std::optional<ImageInfo> Make(const char* format, std::uint64_t w, std::uint64_t h) {
  if (w == 0 || h == 0 || w > kMaxSide || h > kMaxSide) return std::nullopt;
  return ImageInfo{format, static_cast<int>(w), static_cast<int>(h)};
}

std::optional<ImageInfo> ReadPng(const Bytes& b) {
  // Signature (8), IHDR length (4), "IHDR", width and height big-endian.
  if (!b.Has(0, 24) || !b.Equals(12, "IHDR")) return std::nullopt;
  return Make("png", b.Be32(16), b.Be32(20));
}

std::optional<ImageInfo> ReadJpeg(const Bytes& b) {
  std::size_t p = 2;  // after SOI
  while (b.Has(p, 2)) {
    if (b.U8(p) != 0xFF) return std::nullopt;
    while (b.Has(p + 1, 1) && b.U8(p + 1) == 0xFF) ++p;  // fill bytes
    if (!b.Has(p + 1, 1)) return std::nullopt;
    const std::uint32_t m = b.U8(p + 1);
    p += 2;
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue;  // markers without a length
    if (m == 0xD9 || m == 0xDA) return std::nullopt;       // end of image, or scan data before any frame
    if (!b.Has(p, 2)) return std::nullopt;
    const std::uint32_t len = b.Be16(p);
    if (len < 2) return std::nullopt;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      if (len < 7 || !b.Has(p, 7)) return std::nullopt;
      return Make("jpeg", b.Be16(p + 5), b.Be16(p + 3));  // precision, height, width
    }
    p += len;
  }
  return std::nullopt;
}

std::optional<ImageInfo> ReadGif(const Bytes& b) {
  if (!b.Has(0, 10)) return std::nullopt;
  return Make("gif", b.Le16(6), b.Le16(8));
}

std::optional<ImageInfo> ReadWebp(const Bytes& b) {
  // "RIFF" size "WEBP", then the first chunk: fourcc at 12, size at 16, data from 20.
  if (b.Equals(12, "VP8 ")) {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height (2 bits of scale).
    if (!b.Has(20, 10) || b.U8(23) != 0x9D || b.U8(24) != 0x01 || b.U8(25) != 0x2A) return std::nullopt;
    return Make("webp", b.Le16(26) & 0x3FFF, b.Le16(28) & 0x3FFF);
  }
  if (b.Equals(12, "VP8L")) {
    if (!b.Has(20, 5) || b.U8(20) != 0x2F) return std::nullopt;
    const std::uint32_t bits = b.Le32(21);
    return Make("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (b.Equals(12, "VP8X")) {
    if (!b.Has(20, 10)) return std::nullopt;
    return Make("webp", b.Le24(24) + 1, b.Le24(27) + 1);
  }
  return std::nullopt;
}

// --- ISO-BMFF (AVIF, HEIF) ---------------------------------------------------------------------

struct Box {
  std::string_view type;
  std::size_t body = 0;  // offset of the content, after the header
  std::size_t end = 0;   // offset just past the box (clamped to the data: files may be cut)
  bool cut = false;      // the box's declared size reaches past the data
};

// The box starting at `p` within [p, limit), or nullopt when its header is cut or its size is
// impossible. A box reaching past `limit` is clamped, so a cut file still yields its first boxes.
std::optional<Box> BoxAt(const Bytes& b, std::size_t p, std::size_t limit) {
  if (!b.Has(p, 8) || p + 8 > limit) return std::nullopt;
  std::uint64_t size = b.Be32(p);
  Box box;
  box.type = b.view().substr(p + 4, 4);
  box.body = p + 8;
  if (size == 1) {
    if (!b.Has(p, 16) || p + 16 > limit) return std::nullopt;
    size = static_cast<std::uint64_t>(b.Be32(p + 8)) << 32 | b.Be32(p + 12);
    box.body = p + 16;
  } else if (size == 0) {
    size = limit - p;
  }
  if (size < box.body - p) return std::nullopt;
  box.cut = size > limit - p;
  box.end = box.cut ? limit : p + static_cast<std::size_t>(size);
  return box;
}

// The first child box of [begin, end) with `type`.
std::optional<Box> FindChild(const Bytes& b, std::size_t begin, std::size_t end, std::string_view type) {
  std::size_t p = begin;
  while (const auto box = BoxAt(b, p, end)) {
    if (box->type == type) return box;
    p = box->end;
  }
  return std::nullopt;
}

bool IsBrand(std::string_view brand, bool* avif) {
  if (brand == "avif" || brand == "avis") {
    *avif = true;
    return true;
  }
  return brand == "mif1" || brand == "msf1" || brand == "heic" || brand == "heix" || brand == "hevc";
}

std::optional<ImageInfo> ReadIsoBmff(const Bytes& b) {
  const auto ftyp = BoxAt(b, 0, b.size());
  if (!ftyp || ftyp->type != "ftyp" || !b.Has(ftyp->body, 4)) return std::nullopt;
  bool avif = false, image = IsBrand(b.view().substr(ftyp->body, 4), &avif);
  for (std::size_t p = ftyp->body + 8; p + 4 <= ftyp->end; p += 4) image = IsBrand(b.view().substr(p, 4), &avif) || image;
  if (!image) return std::nullopt;
  const char* format = avif ? "avif" : "heif";

  const auto meta = FindChild(b, ftyp->end, b.size(), "meta");
  if (!meta || !b.Has(meta->body, 4)) return std::nullopt;
  const std::size_t meta_body = meta->body + 4;  // a full box: version and flags
  const auto iprp = FindChild(b, meta_body, meta->end, "iprp");
  if (!iprp) return std::nullopt;
  const auto ipco = FindChild(b, iprp->body, iprp->end, "ipco");
  if (!ipco) return std::nullopt;

  // Properties by their 1-based index in ipco; the ispe ones remembered with their size.
  struct Ispe {
    std::uint32_t index, w, h;
  };
  std::vector<Ispe> ispes;
  std::uint32_t index = 0;
  std::size_t p = ipco->body;
  while (const auto box = BoxAt(b, p, ipco->end)) {
    ++index;
    if (box->type == "ispe" && box->body + 12 <= box->end)
      ispes.push_back({index, b.Be32(box->body + 4), b.Be32(box->body + 8)});
    p = box->end;
  }
  if (ispes.empty()) return std::nullopt;

  // The primary item's ispe through pitm and ipma, when both are readable.
  std::optional<std::uint32_t> primary;
  if (const auto pitm = FindChild(b, meta_body, meta->end, "pitm"); pitm && b.Has(pitm->body, 4)) {
    const bool v0 = b.U8(pitm->body) == 0;
    if (b.Has(pitm->body + 4, v0 ? 2 : 4)) primary = v0 ? b.Be16(pitm->body + 4) : b.Be32(pitm->body + 4);
  }
  const auto ipma = FindChild(b, iprp->body, iprp->end, "ipma");
  if (primary && ipma) {
    if (ipma->body + 8 > ipma->end) return std::nullopt;
    const std::uint32_t version = b.U8(ipma->body);
    const bool wide_index = (b.U8(ipma->body + 3) & 1) != 0;
    p = ipma->body + 8;
    const std::uint32_t entries = b.Be32(ipma->body + 4);
    for (std::uint32_t e = 0; e < entries; ++e) {
      const std::size_t id_bytes = version < 1 ? 2 : 4;
      if (p + id_bytes + 1 > ipma->end) return std::nullopt;  // cut before the primary item's entry
      const std::uint32_t item = version < 1 ? b.Be16(p) : b.Be32(p);
      const std::uint32_t count = b.U8(p + id_bytes);
      p += id_bytes + 1;
      for (std::uint32_t a = 0; a < count; ++a) {
        const std::size_t n = wide_index ? 2 : 1;
        if (p + n > ipma->end) return std::nullopt;
        const std::uint32_t prop = wide_index ? b.Be16(p) & 0x7FFF : b.U8(p) & 0x7F;
        p += n;
        if (item != *primary) continue;
        for (const Ispe& s : ispes)
          if (s.index == prop) return Make(format, s.w, s.h);
      }
    }
  }
  // A cut property box may have lost the primary item's ispe or its association.
  if (meta->cut || iprp->cut || ipco->cut) return std::nullopt;
  // Else (no pitm or ipma, or no ispe for the primary item) the largest ispe: the primary image is the largest in every file we know (thumbnails,
  // alpha planes and grid tiles are smaller).
  const Ispe* best = &ispes[0];
  for (const Ispe& s : ispes)
    if (static_cast<std::uint64_t>(s.w) * s.h > static_cast<std::uint64_t>(best->w) * best->h) best = &s;
  return Make(format, best->w, best->h);
}

// --- SVG -----------------------------------------------------------------------------------------

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// A length in px or without unit ("300", "300px", "12.5"); nullopt for %, em and the rest.
std::optional<double> SvgLength(std::string_view v) {
  v = text::Trim(v);
  if (v.empty() || v.size() > 32) return std::nullopt;
  const std::string s(v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !(d > 0) || d > kMaxSide) return std::nullopt;
  const std::string_view rest = text::Trim(std::string_view(end));
  if (!rest.empty() && text::AsciiLower(rest) != "px") return std::nullopt;
  return d;
}

std::optional<ImageInfo> ReadSvg(std::string_view s) {
  std::size_t p = 0;
  if (text::StartsWith(s, "\xEF\xBB\xBF")) p = 3;
  // Skip the prolog: whitespace, <?xml ...?>, comments and a doctype (with its internal subset).
  for (;;) {
    while (p < s.size() && IsSpace(s[p])) ++p;
    const std::string_view rest = s.substr(p);
    std::size_t close = std::string_view::npos;
    if (text::StartsWith(rest, "<?")) {
      close = rest.find("?>");
      if (close != std::string_view::npos) close += 2;
    } else if (text::StartsWith(rest, "<!--")) {
      close = rest.find("-->", 4);
      if (close != std::string_view::npos) close += 3;
    } else if (text::StartsWith(rest, "<!")) {
      const std::size_t bracket = rest.find('['), gt = rest.find('>');
      close = bracket != std::string_view::npos && bracket < gt ? rest.find("]>", bracket) : gt;
      if (close != std::string_view::npos) close += rest[close] == ']' ? 2 : 1;
    } else {
      break;
    }
    if (close == std::string_view::npos) return std::nullopt;
    p += close;
  }
  std::string_view rest = s.substr(p);
  if (!text::StartsWith(rest, "<svg")) return std::nullopt;
  if (rest.size() > 4 && !(IsSpace(rest[4]) || rest[4] == '>' || rest[4] == '/')) return std::nullopt;
  rest.remove_prefix(4);
  // Attributes up to the end of the start tag.
  std::optional<double> w, h, vb_w, vb_h;
  std::size_t i = 0;
  bool closed = false;
  while (i < rest.size()) {
    while (i < rest.size() && IsSpace(rest[i])) ++i;
    if (i >= rest.size()) break;
    if (rest[i] == '>' || rest[i] == '/') {
      closed = true;
      break;
    }
    const std::size_t name_start = i;
    while (i < rest.size() && !IsSpace(rest[i]) && rest[i] != '=' && rest[i] != '>' && rest[i] != '/') ++i;
    const std::string_view name = rest.substr(name_start, i - name_start);
    while (i < rest.size() && IsSpace(rest[i])) ++i;
    std::string_view value;
    if (i < rest.size() && rest[i] == '=') {
      ++i;
      while (i < rest.size() && IsSpace(rest[i])) ++i;
      if (i >= rest.size()) break;
      if (rest[i] == '"' || rest[i] == '\'') {
        const std::size_t q = rest.find(rest[i], i + 1);
        if (q == std::string_view::npos) return std::nullopt;
        value = rest.substr(i + 1, q - i - 1);
        i = q + 1;
      } else {
        const std::size_t v0 = i;
        while (i < rest.size() && !IsSpace(rest[i]) && rest[i] != '>') ++i;
        value = rest.substr(v0, i - v0);
      }
    }
    if (name.empty()) ++i;  // a stray '=' or the like
    if (name == "width") w = SvgLength(value);
    if (name == "height") h = SvgLength(value);
    if (name == "viewBox") {
      std::string vb(value);
      for (char& c : vb)
        if (c == ',') c = ' ';
      double x = 0, y = 0, vw = 0, vh = 0;
      char* e = nullptr;
      const char* c = vb.c_str();
      x = std::strtod(c, &e), c = e;
      y = std::strtod(c, &e), c = e;
      vw = std::strtod(c, &e), c = e;
      vh = std::strtod(c, &e);
      (void)x, (void)y;
      if (e != c && vw > 0 && vh > 0 && vw <= kMaxSide && vh <= kMaxSide) vb_w = vw, vb_h = vh;
    }
  }
  if (!closed) return std::nullopt;  // the start tag is cut
  ImageInfo info{"svg", 0, 0};
  // width/height win; one of them plus the viewBox's aspect gives the other; else the viewBox.
  if (w && !h && vb_w) h = *w * *vb_h / *vb_w;
  if (h && !w && vb_h) w = *h * *vb_w / *vb_h;
  if (!w && !h && vb_w) w = vb_w, h = vb_h;
  // A side derived from an extreme aspect ratio can pass every bound the attributes had.
  if ((w && *w > kMaxSide) || (h && *h > kMaxSide)) return std::nullopt;
  if (w && h) {
    info.width = static_cast<int>(*w + 0.5);
    info.height = static_cast<int>(*h + 0.5);
  }
  return info;
}

}  // namespace

std::optional<ImageInfo> ReadImageHeader(std::string_view bytes) {
  const Bytes b(bytes);
  if (b.Equals(0, "\x89PNG\r\n\x1a\n")) return ReadPng(b);
  if (b.Has(0, 3) && b.U8(0) == 0xFF && b.U8(1) == 0xD8 && b.U8(2) == 0xFF) return ReadJpeg(b);
  if (b.Equals(0, "GIF87a") || b.Equals(0, "GIF89a")) return ReadGif(b);
  if (b.Equals(0, "RIFF") && b.Equals(8, "WEBP")) return ReadWebp(b);
  if (b.Equals(4, "ftyp")) return ReadIsoBmff(b);
  return ReadSvg(bytes);
}

std::string ImageFormatFromMediaType(std::string_view media_type) {
  std::string t = text::AsciiLower(text::Trim(media_type.substr(0, media_type.find(';'))));
  if (t == "image/jpeg" || t == "image/jpg" || t == "image/pjpeg") return "jpeg";
  if (t == "image/png" || t == "image/apng" || t == "image/x-png") return "png";
  if (t == "image/gif") return "gif";
  if (t == "image/webp") return "webp";
  if (t == "image/avif") return "avif";
  if (t == "image/heif" || t == "image/heic") return "heif";
  if (t == "image/svg+xml") return "svg";
  return "";
}

}  // namespace mmaudit::facts
