// Collectors library: see include/netaudit/collectors/.
namespace netaudit::collectors {}
