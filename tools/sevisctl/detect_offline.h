#pragma once
// PLACEHOLDER: the offline core of `sevisctl detect` (written next).
