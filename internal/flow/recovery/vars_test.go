package recovery_test

import (
	"context"

	"github.com/portalid/portalid/internal/flow/flowtest"
)

var ctx = context.Background()

const password, newPassword, ip = flowtest.Password, flowtest.NewPassword, "203.0.113.7"
