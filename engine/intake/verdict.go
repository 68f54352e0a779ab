package intake

import "github.com/onboard/onboard/engine/model"

// fileVerdict is the file-level decision intake and `onboard check` share,
// so both give a file the same verdict (DESIGN.md §7): c counts the groups
// read and fileErrs are the file's own errors (structure, encoding, ...).
//
//   - A file that breaks part-way after groups were read cannot be trusted
//     whole: broken is true, it is rejected and none of its groups count
//     (intake rolls them back, check drops them).
//   - A file with neither groups nor errors is rejected as holding none.
//   - Otherwise the outcome follows the groups: accepted when every group
//     is, partially_accepted when some are, rejected when none is.
//
// errs are the file-level errors the result document lists.
func fileVerdict(c Counts, fileErrs []model.Error) (outcome string, errs []model.Error, broken bool) {
	errs = fileErrs
	if len(fileErrs) > 0 && c.Groups > 0 {
		return Counts{}.outcome(len(errs)), errs, true
	}
	if c.Groups == 0 && len(errs) == 0 {
		errs = []model.Error{{ErrorType: model.ErrFileInvalid, Message: "The file holds no groups."}}
	}
	return c.outcome(len(errs)), errs, false
}
