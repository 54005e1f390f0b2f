// Device presets: the identity and viewport mmaudit audits as. Constants from Lighthouse
// (../shared/reference/lighthouse.md): the default is its Moto G Power emulation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::fetch {

struct Device {
  std::string name;        // "moto-g-power", "iphone", "desktop"
  std::string user_agent;
  int viewport_width = 0;  // CSS px
  int viewport_height = 0;
  double dpr = 1;
  bool mobile = true;
};

// Every preset, default first.
const std::vector<Device>& Devices();
// The preset called `name`, or nullopt.
std::optional<Device> FindDevice(std::string_view name);

}  // namespace mmaudit::fetch
