// PLACEHOLDER
#include "detect_offline.h"
